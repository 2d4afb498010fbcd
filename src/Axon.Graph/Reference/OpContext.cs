namespace Axon.Graph.Reference;

/// <summary>What a reference op sees: its node, the opset in force for its domain, and its input values.</summary>
public sealed class OpContext
{
    private readonly ReferenceExecutor _executor;
    private readonly Scope _scope;

    internal OpContext(ReferenceExecutor executor, Scope scope, Node node, long opset, IValue?[] inputs)
    {
        _executor = executor;
        _scope = scope;
        Node = node;
        Opset = opset;
        Inputs = inputs;
    }

    public Node Node { get; }

    /// <summary>Opset version imported for the node's domain: ops branch on it where semantics changed.</summary>
    public long Opset { get; }

    /// <summary>One entry per node input; null where the input is omitted.</summary>
    public IValue?[] Inputs { get; }

    public int InputCount => Inputs.Length;
    public int OutputCount => Node.Outputs.Count;

    /// <summary>True when output <paramref name="i"/> exists and has a name (is wanted).</summary>
    public bool WantsOutput(int i) => i < Node.Outputs.Count && Node.Outputs[i].Length > 0;

    public bool HasInput(int i) => i < Inputs.Length && Inputs[i] is not null;

    /// <summary>Input <paramref name="i"/> as a tensor; an error naming the node when it is missing or not a tensor.</summary>
    public Tensor Input(int i)
    {
        if (i >= Inputs.Length || Inputs[i] is null)
        {
            throw Error($"required input {i} is missing");
        }
        return Inputs[i] as Tensor ?? throw Error($"input {i} is a {Inputs[i]!.GetType().Name}, expected a tensor");
    }

    public Tensor? OptionalInput(int i) => HasInput(i) ? Input(i) : null;

    public long Int(string name, long def) => Node.GetInt(name, def);
    public float Float(string name, float def) => Node.GetFloat(name, def);
    public string String(string name, string def) => Node.GetString(name, def);
    public long[]? Ints(string name) => Node.GetInts(name);
    public float[]? Floats(string name) => Node.GetFloats(name);

    /// <summary>An <see cref="AxonModelException"/> whose message names this node.</summary>
    public AxonModelException Error(string message) => new($"{Node}: {message}", "AXON110");

    /// <summary>Runs a subgraph (If branch, Loop/Scan body) with the given inputs; it sees the enclosing scope's values.</summary>
    public IValue?[] RunSubgraph(Graph g, IReadOnlyList<IValue?> inputs) => _executor.RunGraph(g, inputs, _scope);

    /// <summary>Looks up a value visible from this node (for ops that read outer-scope names).</summary>
    public IValue? Lookup(string name) => _scope.TryGet(name, out var v) ? v : null;
}
