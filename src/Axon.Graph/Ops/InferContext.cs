using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// What a schema's type rule sees: the node, the opset in force, the input types, and - where known - input values:
/// whole constant tensors (initializers, folded constants) or symbolic integer vectors (what <c>Shape(x)</c> yields, so
/// that <c>Reshape(x, Concat(Shape(x)[0], [-1]))</c> keeps its <c>batch</c>).
/// </summary>
public sealed class InferContext
{
    private readonly Tensor?[] _consts;
    private readonly Dim[]?[] _dims;
    private readonly Func<Graph, TypeInfo?[], TypeInfo[]>? _subgraph;

    public InferContext(Node node, long opset, TypeInfo?[] inputs, Tensor?[]? consts = null, Dim[]?[]? dims = null,
        Func<Graph, TypeInfo?[], TypeInfo[]>? subgraph = null)
    {
        Node = node;
        Opset = opset;
        Inputs = inputs;
        _consts = consts ?? new Tensor?[inputs.Length];
        _dims = dims ?? new Dim[]?[inputs.Length];
        _subgraph = subgraph;
        OutputConsts = new Tensor?[node.Outputs.Count];
        OutputDims = new Dim[]?[node.Outputs.Count];
    }

    public Node Node { get; }
    public long Opset { get; }

    /// <summary>One entry per node input; null where omitted or not known at all.</summary>
    public TypeInfo?[] Inputs { get; }

    public List<string> Problems { get; } = [];

    /// <summary>Values of outputs that the rule could compute (set through <see cref="SetConst"/>).</summary>
    public Tensor?[] OutputConsts { get; }

    /// <summary>Symbolic integer-vector values of outputs (set through <see cref="SetDims"/>).</summary>
    public Dim[]?[] OutputDims { get; }

    public int InputCount => Inputs.Length;
    public int OutputCount => Node.Outputs.Count;

    public bool HasInput(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;

    public TypeInfo? Input(int i) => i < Inputs.Length ? Inputs[i] : null;

    /// <summary>The input's tensor shape, or unknown rank when it is missing or not a tensor.</summary>
    public SymShape Shape(int i) => Input(i) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;

    public DType ElemType(int i) => Input(i) is { Kind: TypeKind.Tensor } t ? t.ElemType : DType.Undefined;

    public int? Rank(int i) => Shape(i) is { HasRank: true } s ? s.Rank : null;

    public Tensor? Const(int i) => i < _consts.Length ? _consts[i] : null;

    /// <summary>An integer input's values when constant (Reshape's shape, Slice's starts...).</summary>
    public long[]? ConstInts(int i) => Const(i) is { } t && (t.DType.IsInteger()) ? t.ToInt64s() : null;

    /// <summary>An integer vector input as dims: constants become known dims, shape-derived values keep symbols.</summary>
    public Dim[]? DimsValue(int i)
    {
        if (i < _dims.Length && _dims[i] is { } d)
        {
            return d;
        }
        if (ConstInts(i) is { } v && Const(i)!.Rank <= 1)
        {
            return v.Select(ShapeMath.Literal).ToArray();
        }
        return null;
    }

    /// <summary>An integer vector input read as output dims (negative values become unknown).</summary>
    public Dim[]? ShapeValue(int i) => DimsValue(i)?.Select(ShapeMath.AsShapeDim).ToArray();

    public long Int(string name, long def) => Node.GetInt(name, def);
    public float Float(string name, float def) => Node.GetFloat(name, def);
    public string String(string name, string def) => Node.GetString(name, def);
    public long[]? Ints(string name) => Node.GetInts(name);

    public void SetConst(int output, Tensor t)
    {
        if (output < OutputConsts.Length)
        {
            OutputConsts[output] = t;
        }
    }

    public void SetDims(int output, Dim[] dims)
    {
        if (output < OutputDims.Length)
        {
            OutputDims[output] = dims;
        }
    }

    /// <summary>Types of a subgraph's outputs given its input types (null entries: use the subgraph's declarations).</summary>
    public TypeInfo[] InferSubgraph(Graph g, TypeInfo?[] inputs) =>
        _subgraph?.Invoke(g, inputs) ?? g.Outputs.Select(o => o.Type).ToArray();

    /// <summary>Records a problem (shown by the verifier) and answers "unknown" for every output.</summary>
    public TypeInfo[] Fail(string message)
    {
        Problems.Add($"{Node}: {message}");
        return Unknowns();
    }

    public TypeInfo[] Unknowns() => Enumerable.Repeat(TypeInfo.Unknown, OutputCount).ToArray();

    /// <summary>Output 0 of the given type, unknown for any further outputs.</summary>
    public TypeInfo[] One(TypeInfo t)
    {
        var r = Unknowns();
        if (r.Length > 0)
        {
            r[0] = t;
        }
        return r;
    }

    public TypeInfo[] One(DType t, SymShape s) => One(TypeInfo.Tensor(t, s));

    public TypeInfo[] One(DType t, IEnumerable<Dim> dims) => One(TypeInfo.Tensor(t, new SymShape(dims)));

    /// <summary>Normalizes a possibly negative axis against a rank; null (with a problem) when out of range.</summary>
    public int? Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            Problems.Add($"{Node}: axis {axis} is out of range for rank {rank}");
            return null;
        }
        return (int)a;
    }

    /// <summary>Element count of a shape as an expression.</summary>
    public static SymExpr Elements(SymShape s) => SymExpr.Product(s);
}
