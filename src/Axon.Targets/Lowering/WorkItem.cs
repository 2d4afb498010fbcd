namespace Axon.Targets.Lowering;

/// <summary>What kind of hardware work a node becomes.</summary>
internal enum WorkKind
{
    /// <summary>Matrix product(s) on the tensor engine / tensor cores.</summary>
    Matmul,

    /// <summary>Elementwise, normalization, reduction: vector/scalar engines (CUDA cores on a GPU).</summary>
    Vector,

    /// <summary>Pure data movement (transpose, gather, concat, slice).</summary>
    Move,

    /// <summary>No work: a view (reshape, flatten, identity) or shape arithmetic folded at compile time.</summary>
    Free,
}

/// <summary>
/// One node's work in device-independent units: a batch of [M, K] x [K, N] products, element counts and how many
/// vector/scalar passes they need, and how many elements are weights (constant) versus activations. Bytes are
/// computed later from the precision the device runs.
/// </summary>
internal sealed record WorkItem(string Node, string Op, WorkKind Kind)
{
    public long Batches { get; init; } = 1;
    public long M { get; init; }
    public long K { get; init; }
    public long N { get; init; }

    /// <summary>Elements processed by the vector/scalar engines (matmul epilogues included).</summary>
    public long VectorElements { get; init; }

    /// <summary>Passes over <see cref="VectorElements"/> on VectorE (reductions, two-input ops) and ScalarE (activations, PSUM evacuation).</summary>
    public int VectorPasses { get; init; }
    public int ScalarPasses { get; init; }

    /// <summary>Rows the vector work runs over (partition dimension): a softmax over [rows, cols] runs rows in parallel.</summary>
    public long VectorRows { get; init; }

    public long WeightElements { get; init; }
    public long InputElements { get; init; }
    public long OutputElements { get; init; }

    public double MatmulFlops => 2.0 * Batches * M * K * N;

    /// <summary>FLOPs the schema would count (matmul plus about one per vector element per pass).</summary>
    public double Flops => MatmulFlops + (double)VectorElements * Math.Max(1, VectorPasses + ScalarPasses);
}

/// <summary>A lowered model at one input binding: its work items in execution order plus model-level sizes.</summary>
internal sealed record Workload(IReadOnlyList<WorkItem> Items, long WeightElements, long InputElements, long OutputElements)
{
    /// <summary>The same work repeated (a transformer layer stack lowered once).</summary>
    public Workload Repeat(int times, string prefix = "layer") =>
        new(Enumerable.Range(0, times).SelectMany(t => Items.Select(i => i with { Node = $"{prefix}{t}/{i.Node}" })).ToList(),
            WeightElements * times, InputElements, OutputElements);

    public static Workload Concat(params Workload[] parts) =>
        new(parts.SelectMany(p => p.Items).ToList(), parts.Sum(p => p.WeightElements), parts[0].InputElements, parts[^1].OutputElements);
}
