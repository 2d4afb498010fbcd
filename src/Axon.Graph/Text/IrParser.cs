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
public sealed partial class IrParser
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
}
