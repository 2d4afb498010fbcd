using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Graph.Builder;

namespace Axon.Training;

using Graph = Axon.Graph.Graph;

/// <summary>
/// A layer or a composition of layers that emits IR. Parameters are created on the first build, seeded from the
/// build's seed and the parameter's full name (so the same seed gives the same weights on every machine), and kept
/// by the module: later builds (training graph, inference graph, export) use the same values.
/// </summary>
public abstract class Module
{
    private readonly Dictionary<string, Tensor> _params = new(StringComparer.Ordinal);

    /// <summary>The name this module's parameters are prefixed with inside its parent (set by containers).</summary>
    public string Name { get; set; } = "";

    /// <summary>Emits this module's computation on <paramref name="x"/> and returns the result.</summary>
    public abstract Value Forward(ForwardContext ctx, Value x);

    /// <summary>Direct children (containers override).</summary>
    public virtual IEnumerable<Module> Children => [];

    /// <summary>Parameters and state of this module and its children by full name (available after a build).</summary>
    public IReadOnlyDictionary<string, Tensor> NamedParameters()
    {
        var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Collect(d);
        return d;
    }

    private void Collect(Dictionary<string, Tensor> d)
    {
        foreach (var kv in _params)
        {
            d[kv.Key] = kv.Value;
        }
        foreach (var c in Children)
        {
            c.Collect(d);
        }
    }

    /// <summary>Replaces parameter values (e.g. after training) by full name; unknown names are ignored.</summary>
    public void LoadParameters(IReadOnlyDictionary<string, Tensor> values)
    {
        foreach (var k in _params.Keys.ToList())
        {
            if (values.TryGetValue(k, out var v))
            {
                if (!v.Shape.AsSpan().SequenceEqual(_params[k].Shape))
                {
                    throw new AxonModelException($"parameter '{k}' has shape [{string.Join(",", _params[k].Shape)}], got [{string.Join(",", v.Shape)}]", "AXG010");
                }
                _params[k] = v;
            }
        }
        foreach (var c in Children)
        {
            c.LoadParameters(values);
        }
    }

    internal Tensor GetOrCreate(string fullName, Func<Tensor> create)
    {
        if (!_params.TryGetValue(fullName, out var t))
        {
            _params[fullName] = t = create();
        }
        return t;
    }

    /// <summary>
    /// The inference graph: input "input" of the given dims (numbers or symbol names, e.g. ("batch", 1, 28, 28)) to
    /// output "output", parameters as initializers.
    /// </summary>
    public Model BuildForward(object[] inputShape, ulong seed = 1, string inputName = "input", DType inputType = DType.Float32)
    {
        var b = new GraphBuilder(GetType().Name.ToLowerInvariant());
        var x = b.Input(inputName, inputType, inputShape);
        var ctx = new ForwardContext(b, training: false, seed);
        b.Output(ctx.Run(this, x), "output");
        return b.Build();
    }

    /// <summary>The training graph of this model under softmax cross-entropy (see <see cref="Losses.SoftmaxCrossEntropy"/>).</summary>
    public TrainingGraph BuildTraining(object[] inputShape, ulong seed = 1) =>
        Autograd.Build(Losses.SoftmaxCrossEntropy(this, inputShape, seed), Losses.LossOutput);
}

/// <summary>
/// What a module sees while it emits IR: the graph builder, whether this is the training graph (BatchNorm uses batch
/// statistics and Dropout drops), the seed, and the name prefix of the module being built.
/// </summary>
public sealed class ForwardContext
{
    private readonly Stack<string> _prefix = new();
    private readonly Stack<Module> _modules = new();

    public ForwardContext(GraphBuilder builder, bool training, ulong seed)
    {
        Builder = builder;
        Training = training;
        Seed = seed;
    }

    public GraphBuilder Builder { get; }

    public bool Training { get; }

    public ulong Seed { get; }

    /// <summary>The full name prefix of the module being built ("" at the root, else "layer.sub.").</summary>
    public string Prefix => _prefix.Count == 0 ? "" : _prefix.Peek();

    /// <summary>Runs a (child) module under its name.</summary>
    public Value Run(Module m, Value x)
    {
        string p = m.Name.Length == 0 ? Prefix : Prefix + m.Name + ".";
        _prefix.Push(p);
        _modules.Push(m);
        try
        {
            return m.Forward(this, x);
        }
        finally
        {
            _prefix.Pop();
            _modules.Pop();
        }
    }

    /// <summary>A parameter of the current module: created once with <paramref name="init"/>, then reused.</summary>
    public Value Parameter(string localName, int[] shape, Init init, double fanIn = 1)
    {
        string full = Prefix + localName;
        var t = _modules.Peek().GetOrCreate(full, () => Initializers.Create(init, shape, fanIn, Seed, full));
        return Builder.Constant(full, t);
    }

    /// <summary>An int64 vector constant under a generated name (shapes, axes).</summary>
    public Value Ints(string hint, params long[] v) => Builder.Int64s(Prefix + hint + "_" + _counter++, v);

    /// <summary>A constant under a generated name.</summary>
    public Value Const(string hint, Tensor t) => Builder.Constant(Prefix + hint + "_" + _counter++, t);

    /// <summary>The inferred shape of a value built so far (symbolic dims stay symbolic).</summary>
    public SymShape Shape(Value v)
    {
        var types = ShapeInference.Infer(Builder.Build(), foldConstants: false);
        return types.TypeOf(v.Name) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;
    }

    /// <summary>The rank of a value built so far, or an error when it cannot be inferred.</summary>
    public int Rank(Value v) => Shape(v) is { HasRank: true } s ? s.Rank
        : throw new AxonModelException($"module '{Prefix}': the rank of {v} is unknown", "AXG011");

    /// <summary>A float scalar constant under a generated name.</summary>
    public Value Scalar(string hint, float v) => Builder.Constant(Prefix + hint + "_" + _counter++, Tensor.Scalar(v));

    private int _counter;
}

/// <summary>Parameter initializations.</summary>
public enum Init
{
    Zeros,
    Ones,

    /// <summary>Uniform in ±sqrt(6 / fan_in) (He/Kaiming uniform: keeps ReLU activations' variance).</summary>
    HeUniform,

    /// <summary>Normal(0, 0.02²), the usual embedding and transformer initialization.</summary>
    Normal002,
}

internal static class Initializers
{
    public static Tensor Create(Init init, int[] shape, double fanIn, ulong seed, string name)
    {
        int n = shape.Aggregate(1, (a, b) => checked(a * b));
        var v = new float[n];
        var rng = new SeededRandom(seed ^ Hash(name));
        for (int i = 0; i < n; i++)
        {
            v[i] = init switch
            {
                Init.Ones => 1f,
                Init.HeUniform => (float)((rng.NextDouble() * 2 - 1) * Math.Sqrt(6.0 / Math.Max(1, fanIn))),
                Init.Normal002 => (float)(rng.NextGaussian() * 0.02),
                _ => 0f,
            };
        }
        return Tensor.FromArray(v, shape);
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
}
