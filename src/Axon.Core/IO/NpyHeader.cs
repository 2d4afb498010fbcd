using System.Globalization;
using System.Text;

namespace Axon.IO;

/// <summary>
/// The parsed header of a <c>.npy</c> file: element description, memory order and shape. The header is a Python dict
/// literal such as <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>; this parser accepts exactly the
/// literal subset NumPy writes (strings, True/False, tuples of integers) and rejects everything else with a message.
/// </summary>
internal sealed record NpyHeader(string Descr, bool FortranOrder, int[] Shape)
{
    /// <summary>Upper bound on the header text; NumPy itself refuses headers over 10,000 characters by default.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    public static NpyHeader Parse(string text)
    {
        var p = new Parser(text);
        var dict = p.ParseDict();
        if (!dict.TryGetValue("descr", out var descr))
        {
            throw Bad("header has no 'descr' key");
        }
        if (!dict.TryGetValue("fortran_order", out var fortran))
        {
            throw Bad("header has no 'fortran_order' key");
        }
        if (!dict.TryGetValue("shape", out var shape))
        {
            throw Bad("header has no 'shape' key");
        }
        if (descr is List<object>)
        {
            throw Bad("structured dtypes (a list in 'descr') are not supported");
        }
        if (descr is not string d)
        {
            throw Bad("'descr' is not a string");
        }
        if (fortran is not bool f)
        {
            throw Bad("'fortran_order' is not True or False");
        }
        if (shape is not List<object> dims || dims.Any(x => x is not long))
        {
            throw Bad("'shape' is not a tuple of integers");
        }
        var ints = new int[dims.Count];
        long count = 1;
        for (int i = 0; i < ints.Length; i++)
        {
            long v = (long)dims[i];
            if (v < 0)
            {
                throw Bad($"dimension {i} of the shape is negative ({v})");
            }
            if (v > int.MaxValue)
            {
                throw Bad($"dimension {i} of the shape ({v}) is larger than {int.MaxValue}");
            }
            ints[i] = (int)v;
            count = count == 0 ? 0 : count * v;
            if (count > int.MaxValue)
            {
                throw Bad($"shape ({string.Join(", ", dims)}) has more than {int.MaxValue} elements");
            }
        }
        return new NpyHeader(d, f, ints);
    }

    /// <summary>The dict literal NumPy writes (without padding): key order and spacing as in <c>numpy.lib.format</c>.</summary>
    public string Format()
    {
        string shape = Shape.Length switch
        {
            0 => "()",
            1 => $"({Shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", Shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        return $"{{'descr': '{Descr}', 'fortran_order': {(FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
    }

    internal static AxonInputException Bad(string message) => new($".npy: {message}", "AXON210");

    private ref struct Parser(string text)
    {
        private readonly string _s = text;
        private int _i;

        public Dictionary<string, object> ParseDict()
        {
            SkipSpace();
            Expect('{');
            var d = new Dictionary<string, object>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (_i >= _s.Length)
                {
                    throw Bad("header ends before its dict is closed");
                }
                if (Peek() == '}')
                {
                    _i++;
                    break;
                }
                if (ParseValue(0) is not string key)
                {
                    throw Bad($"header key at offset {_i} is not a string");
                }
                SkipSpace();
                Expect(':');
                SkipSpace();
                if (!d.TryAdd(key, ParseValue(0)))
                {
                    throw Bad($"header repeats key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',')
                {
                    _i++;
                }
                else if (Peek() != '}')
                {
                    throw Bad(_i >= _s.Length ? "header ends before its dict is closed" : $"expected ',' or '}}' at offset {_i} of the header");
                }
            }
            SkipSpace();
            if (_i != _s.Length)
            {
                throw Bad($"unexpected text after the header dict at offset {_i}");
            }
            return d;
        }

        private object ParseValue(int depth)
        {
            if (depth > 8)
            {
                throw Bad("header nests too deeply");
            }
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }
            if (c is '(' or '[')
            {
                return ParseSequence(c == '(' ? ')' : ']', depth);
            }
            if (Match("True"))
            {
                return true;
            }
            if (Match("False"))
            {
                return false;
            }
            if (c == '-' || char.IsAsciiDigit(c))
            {
                return ParseInt();
            }
            throw Bad(_i >= _s.Length ? "header ends early" : $"unexpected '{c}' at offset {_i} of the header");
        }

        private List<object> ParseSequence(char close, int depth)
        {
            _i++;
            var items = new List<object>();
            while (true)
            {
                SkipSpace();
                if (Peek() == close)
                {
                    _i++;
                    return items;
                }
                items.Add(ParseValue(depth + 1));
                SkipSpace();
                if (Peek() == ',')
                {
                    _i++;
                }
                else if (Peek() != close)
                {
                    throw Bad($"expected ',' or '{close}' at offset {_i} of the header");
                }
            }
        }

        private long ParseInt()
        {
            int start = _i;
            if (Peek() == '-')
            {
                _i++;
            }
            while (_i < _s.Length && char.IsAsciiDigit(_s[_i]))
            {
                _i++;
            }
            if (!long.TryParse(_s.AsSpan(start, _i - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            {
                throw Bad($"integer '{_s[start.._i]}' in the header is malformed or too large");
            }
            if (Peek() is 'L' or 'l')
            {
                _i++; // Python 2 long suffix, written by old NumPy versions.
            }
            return v;
        }

        private string ParseString()
        {
            char q = _s[_i++];
            var sb = new StringBuilder();
            while (true)
            {
                if (_i >= _s.Length)
                {
                    throw Bad("unterminated string in the header");
                }
                char c = _s[_i++];
                if (c == q)
                {
                    return sb.ToString();
                }
                if (c == '\\' && _i < _s.Length)
                {
                    c = _s[_i++];
                }
                sb.Append(c);
            }
        }

        private bool Match(string word)
        {
            if (string.CompareOrdinal(_s, _i, word, 0, word.Length) == 0)
            {
                _i += word.Length;
                return true;
            }
            return false;
        }

        private readonly char Peek() => _i < _s.Length ? _s[_i] : '\0';

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Bad(_i >= _s.Length ? $"header ends where '{c}' was expected" : $"expected '{c}' at offset {_i} of the header, found '{_s[_i]}'");
            }
            _i++;
        }

        private void SkipSpace()
        {
            while (_i < _s.Length && _s[_i] is ' ' or '\t' or '\n' or '\r')
            {
                _i++;
            }
        }
    }
}
