using System.Globalization;
using System.Text;

namespace Axon.Graph.Text;

/// <summary>Tokens: names, identifiers, numbers, strings, whitespace and comments, and errors with line and column.</summary>
public sealed partial class IrParser
{
    // ---- lexical helpers ----

    private string ValueRef()
    {
        Expect('%');
        return Peek() == '"' ? QuotedString() : BareName();
    }

    private string NameToken()
    {
        Skip();
        return Peek() == '"' ? QuotedString() : BareName();
    }

    private string BareName()
    {
        int start = _pos;
        while (_pos < _s.Length && IrPrinter.IsBareChar(_s[_pos]))
        {
            _pos++;
        }
        return _pos > start ? _s[start.._pos] : throw Error("expected a name");
    }

    /// <summary>An identifier: letters, digits, '_' and '.' (op names, domains, dtypes).</summary>
    private string Ident()
    {
        Skip();
        int start = _pos;
        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] is '_' or '.'))
        {
            _pos++;
        }
        return _pos > start ? _s[start.._pos] : throw Error("expected an identifier");
    }

    private bool PeekIdentStart()
    {
        Skip();
        return _pos < _s.Length && (char.IsAsciiLetter(_s[_pos]) || _s[_pos] == '_') && !PeekWord("graph");
    }

    private string NumberToken()
    {
        Skip();
        int start = _pos;
        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] is '-' or '+' or '.'))
        {
            _pos++;
        }
        return _pos > start ? _s[start.._pos] : throw Error("expected a number");
    }

    private static bool IsFloatText(string s) => s.Contains('.') || s.Contains('e') || s.Contains('E') || s.EndsWith("inf", StringComparison.Ordinal) || s == "nan";

    private float ParseFloat(string s) => (float)ParseDouble(s);

    private double ParseDouble(string s) => s switch
    {
        "nan" => double.NaN,
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Error($"'{s}' is not a number"),
    };

    private long ParseLong(string s) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Error($"'{s}' is not an integer");

    private long Integer() => ParseLong(NumberToken());

    private string QuotedString()
    {
        Expect('"');
        var sb = new StringBuilder();
        while (_pos < _s.Length && _s[_pos] != '"')
        {
            char c = _s[_pos++];
            if (c == '\\' && _pos < _s.Length)
            {
                char e = _s[_pos++];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => e });
            }
            else
            {
                sb.Append(c);
            }
        }
        Expect('"');
        return sb.ToString();
    }

    private void Skip()
    {
        while (_pos < _s.Length)
        {
            if (char.IsWhiteSpace(_s[_pos]))
            {
                _pos++;
            }
            else if (_s[_pos] == '#' || (_s[_pos] == '/' && _pos + 1 < _s.Length && _s[_pos + 1] == '/'))
            {
                while (_pos < _s.Length && _s[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                break;
            }
        }
    }

    private char Peek()
    {
        Skip();
        return _pos < _s.Length ? _s[_pos] : '\0';
    }

    private bool TryChar(char c)
    {
        if (Peek() == c)
        {
            _pos++;
            return true;
        }
        return false;
    }

    private void Expect(char c)
    {
        if (!TryChar(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private bool PeekWord(string w)
    {
        Skip();
        return string.CompareOrdinal(_s, _pos, w, 0, w.Length) == 0
            && (_pos + w.Length >= _s.Length || !(char.IsAsciiLetterOrDigit(_s[_pos + w.Length]) || _s[_pos + w.Length] == '_'));
    }

    private bool TryWord(string w)
    {
        if (PeekWord(w))
        {
            _pos += w.Length;
            return true;
        }
        return false;
    }

    private AxonModelException Error(string message)
    {
        int line = 1, col = 1;
        for (int i = 0; i < _pos && i < _s.Length; i++)
        {
            if (_s[i] == '\n')
            {
                line++;
                col = 1;
            }
            else
            {
                col++;
            }
        }
        return new AxonModelException($"IR text line {line}, column {col}: {message}", "AXON125");
    }
}
