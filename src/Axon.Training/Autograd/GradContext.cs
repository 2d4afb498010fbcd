using Axon.Graph;
using Axon.Graph.Analysis;

namespace Axon.Training;

using Graph = Axon.Graph.Graph;

/// <summary>
/// What a gradient rule sees while the backward graph is built: the node being differentiated, the gradients of its
/// outputs, which inputs need gradients, the inferred types of every forward value, and helpers that append backward
/// nodes (with fresh names) to the training graph.
/// </summary>
internal sealed class GradContext
{
    private readonly Graph _g;
    private readonly InferenceResult _types;
    private readonly HashSet<string> _requires;
    private readonly Dictionary<string, List<string>> _contrib = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names;
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public GradContext(Graph g, InferenceResult types, HashSet<string> requires)
    {
        _g = g;
        _types = types;
        _requires = requires;
        _names = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Initializers.Keys).Concat(g.Nodes.SelectMany(n => n.Outputs)),
            StringComparer.Ordinal);
    }

    /// <summary>The forward node whose backward rule runs now.</summary>
    public Node Node { get; internal set; } = null!;

    public string Input(int i) => Node.Inputs[i];

    public string Output(int i) => Node.Outputs[i];

    public bool HasInput(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    /// <summary>Whether input <paramref name="i"/> needs a gradient (it depends on a parameter and is a float).</summary>
    public bool Needs(int i) => HasInput(i) && _requires.Contains(Node.Inputs[i]);

    /// <summary>The total gradient of output <paramref name="i"/>, or null when nothing downstream depends on it.</summary>
    public string? OutGrad(int i) => i < Node.Outputs.Count && Node.Outputs[i].Length > 0 ? GradOf(Node.Outputs[i]) : null;

    /// <summary>Adds a contribution to input <paramref name="i"/>'s gradient (ignored when it needs none).</summary>
    public void AddGrad(int i, string grad)
    {
        if (Needs(i))
        {
            Contribute(Node.Inputs[i], grad);
        }
    }

    internal void Contribute(string value, string grad)
    {
        if (!_contrib.TryGetValue(value, out var l))
        {
            _contrib[value] = l = [];
        }
        l.Add(grad);
    }

    /// <summary>Sums the contributions to a value's gradient into one value (once; later calls return the same name).</summary>
    internal string? GradOf(string value)
    {
        if (!_contrib.TryGetValue(value, out var l) || l.Count == 0)
        {
            return null;
        }
        while (l.Count > 1)
        {
            string sum = Emit("Add", [l[^2], l[^1]], "grad_sum");
            l.RemoveRange(l.Count - 2, 2);
            l.Add(sum);
        }
        return l[0];
    }

    internal bool HasContributions(string value) => _contrib.TryGetValue(value, out var l) && l.Count > 0;

    // ---- types ----

    public TypeInfo Type(string name) => _types.TypeOf(name) is { Kind: TypeKind.Tensor } t ? t : _g.TypeOf(name) ?? TypeInfo.Unknown;

    public DType ElemType(string name) => Type(name).ElemType is var d && d != DType.Undefined ? d : DType.Float32;

    public int? Rank(string name) => Type(name) is { Kind: TypeKind.Tensor, Shape.HasRank: true } t ? t.Shape.Rank : null;

    public int RankOrFail(string name) => Rank(name) ?? throw Fail($"the rank of '{name}' is unknown (declare input shapes)");

    /// <summary>Static dims of a value, or null when any is unknown.</summary>
    public int[]? StaticShape(string name) => Type(name) is { Kind: TypeKind.Tensor } t && t.Shape.IsStatic ? t.Shape.ToInts() : null;

    /// <summary>A known constant value (an initializer or something folded from them).</summary>
    public Tensor? Constant(string name) => _g.Initializers.TryGetValue(name, out var t) ? t : _types.Constants.GetValueOrDefault(name);

    /// <summary>A constant int64 vector input (axes, shapes), or an error naming the node.</summary>
    public long[]? ConstInts(int input) => HasInput(input) ? Constant(Node.Inputs[input])?.ToInt64s() : null;

    // ---- emitting ----

    public string Emit(string op, string[] inputs, string hint, params Attr[] attrs) => EmitMulti(op, "", inputs, 1, hint, attrs)[0];

    public string EmitAxon(string op, string[] inputs, string hint, params Attr[] attrs) => EmitMulti(op, "axon", inputs, 1, hint, attrs)[0];

    public string[] EmitMulti(string op, string domain, string[] inputs, int outputs, string hint, params Attr[] attrs)
    {
        var outs = Enumerable.Range(0, outputs).Select(_ => Fresh(hint)).ToArray();
        var n = new Node(op, inputs, outs, outs[0], domain);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        _g.Nodes.Add(n);
        return outs;
    }

    /// <summary>A constant scalar of the given float type.</summary>
    public string Scalar(double v, DType dtype) => AddConst("c", Tensor.FromDoubles(dtype, [v], []));

    /// <summary>A constant int64 vector (axes, shapes, perms).</summary>
    public string Int64s(params long[] v) => AddConst("ints", Tensor.FromArray(v));

    public string AddConst(string hint, Tensor t)
    {
        string name = Fresh(hint);
        _g.Initializers[name] = t;
        return name;
    }

    /// <summary>Sums <paramref name="grad"/> down to <paramref name="target"/>'s shape when the op broadcast it.</summary>
    public string SumTo(string grad, string target, string gradShapeOf)
    {
        var tt = Type(target);
        var gt = Type(gradShapeOf);
        if (tt.Shape.HasRank && gt.Shape.HasRank && tt.Shape.Equals(gt.Shape))
        {
            return grad;
        }
        return EmitAxon("ReduceSumTo", [grad, target], "grad_sum_to");
    }

    /// <summary>An error naming the node being differentiated.</summary>
    public AxonModelException Fail(string message) => new($"autograd: {Node}: {message}", "AXG003");

    internal string Fresh(string hint)
    {
        hint = hint.Length == 0 ? "g" : hint;
        int k = _counters.GetValueOrDefault(hint);
        string name;
        do
        {
            name = $"{hint}_{k++}";
        }
        while (_names.Contains(name));
        _counters[hint] = k;
        _names.Add(name);
        return name;
    }

    internal void Claim(string name) => _names.Add(name);

    internal bool IsUsed(string name) => _names.Contains(name);
}
