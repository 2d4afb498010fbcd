using System.Globalization;
using System.Text;

namespace Axon.Graph.Text;

/// <summary>How the parser fills a declared constant whose values are not written out.</summary>
public enum ConstFill
{
    Zeros,

    /// <summary>Seeded uniform values in [-1, 1): deterministic per name and seed, so tests can run the graph.</summary>
    Random,
}

/// <summary>
/// Reads Axon's IR text (see <see cref="IrPrinter"/>). Beyond what the printer writes it accepts nested calls for
/// single-use intermediates (<c>%y = Relu(Gemm(%a, %w, %b))</c>; the inner results get fresh names), comments from
/// <c>#</c> or <c>//</c> to the end of the line, and graphs without an opset line (ai.onnx 21 is assumed).
/// Errors say line and column.
/// </summary>
public sealed class IrParser
{
    private readonly string _s;
    private readonly ConstFill _fill;
    private readonly ulong _seed;
    private int _pos;
    private int _fresh;

    private IrParser(string text, ConstFill fill, ulong seed)
    {
        _s = text;
        _fill = fill;
        _seed = seed;
    }

    public static Model ParseModel(string text, ConstFill fill = ConstFill.Zeros, ulong seed = 0)
    {
        var p = new IrParser(text, fill, seed);
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        p.Skip();
        if (p.TryWord("opset"))
        {
            while (p.PeekIdentStart())
            {
                string domain = p.Ident();
                p.Expect('=');
                opsets[domain == "ai.onnx" ? "" : domain] = p.Integer();
            }
        }
        var g = p.GraphDecl();
        p.Skip();
        if (p._pos < p._s.Length)
        {
            throw p.Error("text after the graph");
        }
        var m = new Model(g);
        if (opsets.Count > 0)
        {
            m.OpsetImports.Clear();
            foreach (var kv in opsets)
            {
                m.OpsetImports[kv.Key] = kv.Value;
            }
        }
        return m;
    }

    public static Graph ParseGraph(string text, ConstFill fill = ConstFill.Zeros, ulong seed = 0) => ParseModel(text, fill, seed).Graph;

    private Graph GraphDecl()
    {
        Skip();
        if (!TryWord("graph"))
        {
            throw Error("expected 'graph'");
        }
        var g = new Graph { Name = NameToken() };
        Expect('(');
        foreach (var vi in ValueList(')'))
        {
            g.Inputs.Add(vi);
        }
        Expect('-');
        Expect('>');
        Expect('(');
        foreach (var vi in ValueList(')'))
        {
            g.Outputs.Add(vi);
        }
        Expect('{');
        while (!TryChar('}'))
        {
            Statement(g);
        }
        return g;
    }

    private List<ValueInfo> ValueList(char close)
    {
        var r = new List<ValueInfo>();
        if (TryChar(close))
        {
            return r;
        }
        do
        {
            string name = ValueRef();
            Expect(':');
            r.Add(new ValueInfo(name, Type()));
        }
        while (TryChar(','));
        Expect(close);
        return r;
    }

    private void Statement(Graph g)
    {
        var outs = new List<string>();
        do
        {
            if (TryWord("none"))
            {
                outs.Add("");
                continue;
            }
            string name = ValueRef();
            if (TryChar(':'))
            {
                g.ValueInfos[name] = new ValueInfo(name, Type());
            }
            outs.Add(name);
        }
        while (TryChar(','));
        Expect('=');
        if (TryWord("const"))
        {
            if (outs.Count != 1 || outs[0].Length == 0)
            {
                throw Error("a const declares exactly one value");
            }
            g.Initializers[outs[0]] = TensorLiteral(outs[0]);
            return;
        }
        Call(g, outs);
    }

    /// <summary>Parses <c>Op(args) {attrs}</c>, emitting nested calls first; returns the node.</summary>
    private Node Call(Graph g, List<string>? outs)
    {
        string op = Ident();
        string domain = "";
        if (TryChar(':'))
        {
            Expect(':');
            domain = op;
            op = Ident();
        }
        Expect('(');
        var ins = new List<string>();
        if (!TryChar(')'))
        {
            do
            {
                Skip();
                if (Peek() == '%')
                {
                    ins.Add(ValueRef());
                }
                else if (TryWord("none"))
                {
                    ins.Add("");
                }
                else
                {
                    var inner = Call(g, null);
                    ins.Add(inner.Outputs[0]);
                }
            }
            while (TryChar(','));
            Expect(')');
        }
        outs ??= [FreshName(g)];
        var node = new Node(op, ins, outs, domain: domain);
        if (TryChar('{'))
        {
            if (!TryChar('}'))
            {
                do
                {
                    string name = NameToken();
                    Expect('=');
                    node.SetAttr(AttrValue(name));
                }
                while (TryChar(','));
                Expect('}');
            }
        }
        g.Nodes.Add(node);
        return node;
    }

    private string FreshName(Graph g)
    {
        var used = new HashSet<string>(g.Nodes.SelectMany(n => n.Outputs).Concat(g.Inputs.Select(i => i.Name)).Concat(g.Initializers.Keys), StringComparer.Ordinal);
        string n;
        do
        {
            n = "_t" + _fresh++.ToString(CultureInfo.InvariantCulture);
        }
        while (used.Contains(n));
        return n;
    }

    private Attr AttrValue(string name)
    {
        Skip();
        char c = Peek();
        if (c == '"')
        {
            return Attr.Of(name, QuotedString());
        }
        if (c == '[')
        {
            return ListValue(name);
        }
        if (TryWord("ints"))
        {
            Expect('[');
            Expect(']');
            return Attr.Of(name, Array.Empty<long>());
        }
        if (TryWord("floats"))
        {
            Expect('[');
            Expect(']');
            return Attr.Of(name, Array.Empty<float>());
        }
        if (TryWord("strings"))
        {
            Expect('[');
            Expect(']');
            return Attr.Of(name, Array.Empty<string>());
        }
        if (TryWord("tensors"))
        {
            var ts = new List<Tensor>();
            Expect('[');
            if (!TryChar(']'))
            {
                do
                {
                    ts.Add(TensorLiteral(name));
                }
                while (TryChar(','));
                Expect(']');
            }
            return new Attr(name, AttrKind.Tensors) { Tensors = ts.ToArray() };
        }
        if (TryWord("tensor"))
        {
            return Attr.Of(name, TensorLiteral(name));
        }
        if (TryWord("sparse"))
        {
            return new Attr(name, AttrKind.SparseTensor) { T = TensorLiteral(name) };
        }
        if (TryWord("graphs"))
        {
            var gs = new List<Graph>();
            Expect('[');
            if (!TryChar(']'))
            {
                do
                {
                    gs.Add(GraphDecl());
                }
                while (TryChar(','));
                Expect(']');
            }
            return new Attr(name, AttrKind.Graphs) { Graphs = gs.ToArray() };
        }
        if (PeekWord("graph"))
        {
            return Attr.Of(name, GraphDecl());
        }
        if (TryWord("types"))
        {
            var ts = new List<TypeInfo>();
            Expect('[');
            if (!TryChar(']'))
            {
                do
                {
                    ts.Add(Type());
                }
                while (TryChar(','));
                Expect(']');
            }
            return new Attr(name, AttrKind.TypeProtos) { Types = ts.ToArray() };
        }
        if (TryWord("type"))
        {
            return new Attr(name, AttrKind.TypeProto) { Type = Type() };
        }
        string num = NumberToken();
        return IsFloatText(num) ? Attr.Of(name, ParseFloat(num)) : Attr.Of(name, ParseLong(num));
    }

    private Attr ListValue(string name)
    {
        Expect('[');
        Skip();
        if (Peek() == '"')
        {
            var ss = new List<string>();
            do
            {
                ss.Add(QuotedString());
            }
            while (TryChar(','));
            Expect(']');
            return Attr.Of(name, ss.ToArray());
        }
        var nums = new List<string>();
        do
        {
            nums.Add(NumberToken());
        }
        while (TryChar(','));
        Expect(']');
        return nums.Any(IsFloatText) ? Attr.Of(name, nums.Select(ParseFloat).ToArray()) : Attr.Of(name, nums.Select(ParseLong).ToArray());
    }

    /// <summary><c>f32[2,3]</c> with optional <c>[values]</c>; without values, filled per <see cref="ConstFill"/>.</summary>
    private Tensor TensorLiteral(string name)
    {
        string dt = Ident();
        if (!DTypeInfo.TryParse(dt, out DType t))
        {
            throw Error($"unknown element type '{dt}'");
        }
        Expect('[');
        var shape = new List<int>();
        if (!TryChar(']'))
        {
            do
            {
                shape.Add(checked((int)ParseLong(NumberToken())));
            }
            while (TryChar(','));
            Expect(']');
        }
        int count = shape.Aggregate(1, (a, b) => checked(a * b));
        Skip();
        if (Peek() != '[')
        {
            return Fill(t, shape.ToArray(), count, name);
        }
        Expect('[');
        if (t == DType.String)
        {
            var ss = new List<string>();
            if (!TryChar(']'))
            {
                do
                {
                    ss.Add(QuotedString());
                }
                while (TryChar(','));
                Expect(']');
            }
            return ss.Count == count ? Tensor.FromStrings(ss.ToArray(), shape.ToArray()) : throw Error($"{ss.Count} values for {count} elements");
        }
        var vals = new List<double>();
        var ints = new List<long>();
        if (!TryChar(']'))
        {
            do
            {
                string tok = NumberToken();
                if (t.IsFloat())
                {
                    vals.Add(ParseDouble(tok));
                }
                else
                {
                    ints.Add(ParseLong(tok));
                }
            }
            while (TryChar(','));
            Expect(']');
        }
        int n = t.IsFloat() ? vals.Count : ints.Count;
        if (n != count)
        {
            throw Error($"{n} values for {count} elements");
        }
        return t.IsFloat() ? Tensor.FromDoubles(t, vals.ToArray(), shape.ToArray()) : Tensor.FromInt64s(t, ints.ToArray(), shape.ToArray());
    }

    private Tensor Fill(DType t, int[] shape, int count, string name)
    {
        if (_fill == ConstFill.Zeros || t == DType.String || !t.IsNumeric())
        {
            return Tensor.Create(t, shape);
        }
        // Mix the name into the seed so each constant gets its own stream.
        ulong h = _seed;
        foreach (char c in name)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }
        var rng = new Builder.SeededRandom(h);
        var v = new double[count];
        for (int i = 0; i < count; i++)
        {
            v[i] = t.IsFloat() ? rng.NextDouble() * 2 - 1 : rng.Next(-4, 5);
        }
        return t.IsFloat() ? Tensor.FromDoubles(t, v, shape) : Tensor.FromInt64s(t, v.Select(x => (long)x).ToArray(), shape);
    }

    private TypeInfo Type()
    {
        Skip();
        if (TryChar('?'))
        {
            return TypeInfo.Unknown;
        }
        string word = Ident();
        if (word is "seq" or "opt")
        {
            Expect('<');
            var e = Type();
            Expect('>');
            return word == "seq" ? TypeInfo.Sequence(e) : TypeInfo.Optional(e);
        }
        if (!DTypeInfo.TryParse(word, out DType t) && word != "undefined")
        {
            throw Error($"unknown element type '{word}'");
        }
        Expect('[');
        if (TryChar('*'))
        {
            Expect(']');
            return TypeInfo.Tensor(t, SymShape.UnknownRank);
        }
        var dims = new List<Dim>();
        if (!TryChar(']'))
        {
            do
            {
                Skip();
                int start = _pos;
                while (_pos < _s.Length && _s[_pos] is not (',' or ']') && !char.IsWhiteSpace(_s[_pos]))
                {
                    _pos++;
                }
                string tok = _s[start.._pos];
                dims.Add(tok == "?" ? Dim.Unknown
                    : long.TryParse(tok, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? Dim.Known(v)
                    : tok.Length > 0 ? Dim.Sym(tok) : throw Error("expected a dim"));
            }
            while (TryChar(','));
            Expect(']');
        }
        return TypeInfo.Tensor(t, new SymShape(dims));
    }

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
        return new AxonModelException($"IR text line {line}, column {col}: {message}", "AXON120");
    }
}
