using System.Globalization;

namespace Axon.Graph.Text;

/// <summary>Attribute values, tensor literals and types.</summary>
public sealed partial class IrParser
{
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
}
