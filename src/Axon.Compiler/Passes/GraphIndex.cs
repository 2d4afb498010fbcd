using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Read-only lookups passes need while matching (producer, consumers, constants), built once per pass run over a graph
/// that the pass does not mutate.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, Node> _producers;
    private readonly Dictionary<string, List<Node>> _consumers;
    private readonly HashSet<string> _outputs;
    private readonly HashSet<string> _inputs;

    public GraphIndex(Axon.Graph.Graph g)
    {
        Graph = g;
        _producers = g.Producers();
        _consumers = g.Consumers();
        _outputs = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        _inputs = new HashSet<string>(g.Inputs.Select(i => i.Name), StringComparer.Ordinal);
    }

    public Axon.Graph.Graph Graph { get; }

    public Node? Producer(string v) => v.Length > 0 ? _producers.GetValueOrDefault(v) : null;

    /// <summary>The producer of <paramref name="v"/> when it is the given ONNX (or other domain) op.</summary>
    public Node? Producer(string v, string op, string domain = "") =>
        Producer(v) is { } n && n.OpType == op && n.Domain == domain ? n : null;

    public IReadOnlyList<Node> Consumers(string v) => _consumers.TryGetValue(v, out var l) ? l : [];

    public bool IsGraphOutput(string v) => _outputs.Contains(v);

    public bool IsGraphInput(string v) => _inputs.Contains(v);

    /// <summary>True when exactly one node reads <paramref name="v"/>, once, and it is not a graph output: fusing it away loses nothing.</summary>
    public bool SingleUse(string v) =>
        !_outputs.Contains(v) && _consumers.TryGetValue(v, out var l) && l.Count == 1 && l[0].Inputs.Count(i => i == v) == 1;

    /// <summary>The value's tensor when it is a true constant (an initializer that callers cannot override as an input).</summary>
    public Tensor? Constant(string v) =>
        v.Length > 0 && !_inputs.Contains(v) && Graph.Initializers.TryGetValue(v, out var t) ? t : null;

    /// <summary>A one-element numeric constant as double (scalar or shape [1]).</summary>
    public double? Scalar(string v) =>
        Constant(v) is { Length: 1 } t && (t.DType.IsFloat() || t.DType.IsInteger()) ? t.GetDouble(0) : null;

    public bool IsScalar(string v, double expected, double tol = 1e-6) =>
        Scalar(v) is double d && Math.Abs(d - expected) <= tol * Math.Max(1, Math.Abs(expected));

    /// <summary>The statically known shape of a value (initializer or fully known declared type).</summary>
    public int[]? StaticShape(string v)
    {
        if (Graph.Initializers.TryGetValue(v, out var t) && !_inputs.Contains(v))
        {
            return t.Shape;
        }
        var ti = Graph.TypeOf(v);
        return ti is { Kind: TypeKind.Tensor } && ti.Shape.IsStatic ? ti.Shape.ToInts() : null;
    }

    /// <summary>The known rank of a value, or -1.</summary>
    public int Rank(string v)
    {
        if (Constant(v) is { } t)
        {
            return t.Rank;
        }
        var ti = Graph.TypeOf(v);
        return ti is { Kind: TypeKind.Tensor } && ti.Shape.HasRank ? ti.Shape.Rank : -1;
    }

    public DType? ElemType(string v)
    {
        var ti = Graph.TypeOf(v);
        return ti is { Kind: TypeKind.Tensor } ? ti.ElemType : null;
    }

    /// <summary>For a binary node, the operand other than <paramref name="v"/> (null if v is not an operand).</summary>
    public static string? Other(Node binary, string v) =>
        binary.Inputs.Count != 2 ? null : binary.Inputs[0] == v ? binary.Inputs[1] : binary.Inputs[1] == v ? binary.Inputs[0] : null;
}

/// <summary>Builds the rewritten graph from a matched set of replacements.</summary>
internal static class Rewrite
{
    /// <summary>
    /// A copy of <paramref name="g"/> where each node in <paramref name="replace"/> is swapped for its value (null removes
    /// it). A fused node takes the place of its pattern's last node, so every input it reads is already defined there.
    /// </summary>
    public static Axon.Graph.Graph Apply(Axon.Graph.Graph g, IReadOnlyDictionary<Node, Node?> replace, IReadOnlyDictionary<string, Tensor>? newInitializers = null)
    {
        var r = g.Clone();
        r.Nodes.Clear();
        foreach (var n in g.Nodes)
        {
            if (!replace.TryGetValue(n, out var m))
            {
                r.Nodes.Add(n);
            }
            else if (m is not null)
            {
                r.Nodes.Add(m);
            }
        }
        if (newInitializers is not null)
        {
            foreach (var kv in newInitializers)
            {
                r.Initializers[kv.Key] = kv.Value;
            }
        }
        return r;
    }

    /// <summary>A value name not used anywhere in the graph (nor in <paramref name="taken"/>), derived from <paramref name="stem"/>.</summary>
    public static string FreshName(Axon.Graph.Graph g, string stem, HashSet<string> taken)
    {
        for (int k = 0; ; k++)
        {
            string name = k == 0 ? stem : $"{stem}_{k}";
            if (!taken.Contains(name) && !g.Initializers.ContainsKey(name) && !g.ValueInfos.ContainsKey(name)
                && !g.Inputs.Any(i => i.Name == name) && !g.Nodes.Any(n => n.Outputs.Contains(name)))
            {
                taken.Add(name);
                return name;
            }
        }
    }

    /// <summary>A node in the "axon" domain with the given attributes.</summary>
    public static Node Fused(string op, IEnumerable<string> inputs, IEnumerable<string> outputs, string name, params Attr[] attrs)
    {
        var n = new Node(op, TrimOptional(inputs), outputs, name, FusedDomain);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        return n;
    }

    public const string FusedDomain = "axon";

    /// <summary>Drops trailing omitted ("") inputs so optional inputs at the end are simply absent.</summary>
    public static List<string> TrimOptional(IEnumerable<string> inputs)
    {
        var l = inputs.ToList();
        while (l.Count > 0 && l[^1].Length == 0)
        {
            l.RemoveAt(l.Count - 1);
        }
        return l;
    }
}
