namespace Axon.Targets;

/// <summary>What limits a node or a model: the compute engines, memory traffic, or fixed overheads (launch, dispatch, DMA setup).</summary>
public enum Bound
{
    Compute,
    Memory,
    Overhead,
}

/// <summary>One lowered node's projected time on one core (or GPU).</summary>
public sealed record NodeProjection(string Node, string Op, double TimeUs, Bound Bound, double Utilization);

/// <summary>The projection of one model on one core (or GPU) at one batch size.</summary>
public sealed record CoreProjection
{
    public required string Device { get; init; }
    public required int BatchSize { get; init; }

    /// <summary>The precision the device runs (after auto-cast).</summary>
    public required string Precision { get; init; }
    public required double LatencyMs { get; init; }
    public required Bound Bound { get; init; }

    /// <summary>Useful matrix FLOPs divided by latency times the per-core peak at <see cref="Precision"/>.</summary>
    public required double Utilization { get; init; }

    /// <summary>Relative error band (0.2 = ±20 %) carried over from the device's calibration.</summary>
    public required double ErrorBand { get; init; }
    public IReadOnlyList<NodeProjection> Nodes { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Inferences per second of one core (one replica).</summary>
    public double Throughput => LatencyMs > 0 ? BatchSize * 1000.0 / LatencyMs : 0;
}

/// <summary>A whole instance: one replica per core, the way AWS runs its published data-parallel benchmarks.</summary>
public sealed record InstanceProjection
{
    public required string Instance { get; init; }
    public required string Target { get; init; }
    public required int BatchSize { get; init; }
    public required string Precision { get; init; }

    /// <summary>Inferences per second for the whole instance.</summary>
    public required double Throughput { get; init; }
    public required double LatencyMs { get; init; }
    public required Bound Bound { get; init; }
    public required double ErrorBand { get; init; }
    public required int Replicas { get; init; }
    public double Utilization { get; init; }
    public bool Fits { get; init; } = true;
    public IReadOnlyList<string> Notes { get; init; } = [];
    public CoreProjection? Core { get; init; }
}
