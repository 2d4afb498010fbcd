namespace Axon.Graph.Builder;

/// <summary>A value in a graph under construction (just its name; the builder knows the rest).</summary>
public readonly record struct Value(string Name)
{
    public override string ToString() => "%" + Name;
}

/// <summary>How random weights are scaled.</summary>
public enum WeightInit
{
    /// <summary>Normal with std sqrt(2 / fan_in): keeps activations' variance through ReLU layers.</summary>
    He,

    /// <summary>Uniform in ±sqrt(6 / (fan_in + fan_out)): for tanh/sigmoid/linear layers.</summary>
    Xavier,
}

/// <summary>
/// Builds models in code:
/// <code>
/// var b = new GraphBuilder("mlp");
/// var x = b.Input("x", DType.Float32, "batch", 784);
/// var h = b.Relu(b.Gemm(x, b.RandomWeight("w1", [784, 128], seed: 1), b.Zeros("b1", [128])));
/// b.Output(b.Softmax(h), "y");
/// Model m = b.Build();
/// </code>
/// Names of intermediates are generated (<c>relu_3</c>); weights are seeded, so the same seed gives the same model.
/// </summary>
public sealed partial class GraphBuilder
{
    private readonly Graph _g;
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(string name = "main", long opset = 21)
    {
        _g = new Graph { Name = name };
        Opset = opset;
    }

    public long Opset { get; }

    /// <summary>A runtime input; dims are numbers (int/long) or symbol names (string), e.g. ("batch", 3, 224, 224).</summary>
    public Value Input(string name, DType dtype, params object[] dims)
    {
        Claim(name);
        _g.Inputs.Add(new ValueInfo(name, TypeInfo.Tensor(dtype, ToShape(dims))));
        return new Value(name);
    }

    /// <summary>Declares a graph output, renaming the value by an Identity when it already has another name.</summary>
    public Value Output(Value v, string? name = null, TypeInfo? type = null)
    {
        if (name is not null && name != v.Name)
        {
            Claim(name);
            _g.Nodes.Add(new Node("Identity", [v.Name], [name]));
            v = new Value(name);
        }
        _g.Outputs.Add(new ValueInfo(v.Name, type ?? TypeInfo.Unknown));
        return v;
    }

    /// <summary>A constant initializer.</summary>
    public Value Constant(string name, Tensor t)
    {
        Claim(name);
        _g.Initializers[name] = t;
        return new Value(name);
    }

    /// <summary>A constant under a generated name (shape vectors, scalars inside helper expansions).</summary>
    private Value AnonymousConstant(string prefix, Tensor t)
    {
        string name = Fresh(prefix);
        _g.Initializers[name] = t;
        return new Value(name);
    }

    public Value Zeros(string name, int[] shape, DType dtype = DType.Float32) => Constant(name, Tensor.Create(dtype, shape));

    public Value Ones(string name, int[] shape, DType dtype = DType.Float32) =>
        Constant(name, Tensor.FromDoubles(dtype, Enumerable.Repeat(1.0, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape));

    /// <summary>An int64 vector constant (shapes, axes).</summary>
    public Value Int64s(string name, params long[] values) => Constant(name, Tensor.FromArray(values));

    /// <summary>
    /// A seeded random float weight. fan_in defaults to shape[0] for 1-D and 2-D weights ([in, out], as Gemm without
    /// transB reads them) and to the product of shape[1..] for conv weights ([out, in, kh, kw]).
    /// </summary>
    public Value RandomWeight(string name, int[] shape, ulong seed, WeightInit init = WeightInit.He, long? fanIn = null, long? fanOut = null)
    {
        int n = shape.Aggregate(1, (a, b) => checked(a * b));
        long fin = fanIn ?? (shape.Length <= 2 ? shape[0] : shape.Skip(1).Aggregate(1L, (a, b) => a * b));
        long fout = fanOut ?? (shape.Length == 2 ? shape[1] : shape.Length > 2 ? shape[0] * shape.Skip(2).Aggregate(1L, (a, b) => a * b) : shape[0]);
        var rng = new SeededRandom(seed ^ Hash(name));
        var v = new float[n];
        double std = Math.Sqrt(2.0 / Math.Max(1, fin));
        double limit = Math.Sqrt(6.0 / Math.Max(1, fin + fout));
        for (int i = 0; i < n; i++)
        {
            v[i] = (float)(init == WeightInit.He ? rng.NextGaussian() * std : (rng.NextDouble() * 2 - 1) * limit);
        }
        return Constant(name, Tensor.FromArray(v, shape));
    }

    /// <summary>Adds a node of any op; returns its first output (see <see cref="NodeMulti"/> for several).</summary>
    public Value Node(string op, Value[] inputs, params Attr[] attrs) => NodeMulti(op, inputs, 1, attrs)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs named after the op.</summary>
    public Value[] NodeMulti(string op, Value[] inputs, int outputs, params Attr[] attrs)
    {
        var outs = Enumerable.Range(0, outputs).Select(_ => Fresh(op.ToLowerInvariant())).ToArray();
        var n = new Node(op, inputs.Select(i => i.Name), outs, name: outs[0]);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        _g.Nodes.Add(n);
        return outs.Select(o => new Value(o)).ToArray();
    }

    /// <summary>The finished model (the builder may keep going; later changes do not affect it).</summary>
    public Model Build()
    {
        var m = new Model(_g.Clone()) { ProducerName = "axon-builder" };
        m.OpsetImports[""] = Opset;
        return m;
    }

    private string Fresh(string prefix)
    {
        int k = _counters.GetValueOrDefault(prefix);
        string name;
        do
        {
            name = $"{prefix}_{k++}";
        }
        while (_names.Contains(name));
        _counters[prefix] = k;
        _names.Add(name);
        return name;
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
        {
            throw new AxonModelException($"graph builder: the name '{name}' is already used");
        }
    }

    private static ulong Hash(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in s)
        {
            h = (h ^ c) * 0x100000001B3UL;
        }
        return h;
    }

    internal static SymShape ToShape(object[] dims) => new(dims.Select(d => d switch
    {
        string s => Dim.Sym(s),
        int i => Dim.Known(i),
        long l => Dim.Known(l),
        Dim dd => dd,
        _ => throw new ArgumentException($"dim {d} is neither a number nor a symbol name"),
    }));
}
