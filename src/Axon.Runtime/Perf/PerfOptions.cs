using Axon.Graph;

namespace Axon.Runtime.Perf;

/// <summary>What <see cref="PerfRunner"/> measures: a model, the sweep (precisions x core counts x batch sizes) and the load.</summary>
public sealed class PerfOptions
{
    /// <summary>The model file (.onnx or .axon); or set <see cref="Model"/>.</summary>
    public string? ModelPath { get; init; }

    /// <summary>An in-memory model (used when <see cref="ModelPath"/> is null).</summary>
    public Model? Model { get; init; }

    /// <summary>Rows per request, one sweep point each.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [1];

    /// <summary>Core counts, one sweep point each (the first N of the runtime's cores).</summary>
    public IReadOnlyList<int> Cores { get; init; } = [1];

    /// <summary>Core group (intra-op threads) or one replica per core.</summary>
    public Placement Placement { get; init; } = Placement.CoreGroup;

    /// <summary>Closed-loop clients, each with one request outstanding.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>The batcher's MaxBatchSize (rows); 1 = no batching.</summary>
    public int MaxBatch { get; init; } = 1;

    public int MaxQueueDelayMicroseconds { get; init; } = 1000;

    /// <summary>Measured time per point (ignored when <see cref="Iterations"/> is set).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests per point (over all clients) instead of a duration.</summary>
    public int? Iterations { get; init; }

    /// <summary>Unmeasured run time before each point.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Fixed shapes per input name (the batch dim is still the point's batch size when symbolic).</summary>
    public IReadOnlyDictionary<string, int[]> Shapes { get; init; } = new Dictionary<string, int[]>();

    /// <summary>Values for symbolic dims wherever they appear; unnamed non-batch symbols default to 128.</summary>
    public IReadOnlyDictionary<string, int> Dims { get; init; } = new Dictionary<string, int>();

    /// <summary>Price of the machine per hour, for cost per million inferences.</summary>
    public double? PricePerHour { get; init; }

    /// <summary>
    /// Precisions to sweep (names from <see cref="PerfPrecision"/>: fp32, bf16, fp16, int8), each compiling the model in
    /// that mode; null = the model as it is (FP32 for ONNX, the compiled precision for <c>.axon</c>).
    /// </summary>
    public IReadOnlyList<string>? Precisions { get; init; }

    /// <summary>A sample folder (one sub-folder per sample, one <c>&lt;input&gt;.npy</c> each) to send instead of generated inputs.</summary>
    public string? InputsDir { get; init; }

    public int OptimizationLevel { get; init; } = 2;
}

/// <summary>One measured sweep point.</summary>
public sealed record PerfPoint
{
    public int BatchSize { get; init; }
    public int Cores { get; init; }
    public string Placement { get; init; } = "core-group";
    public string Precision { get; init; } = "fp32";
    public int Concurrency { get; init; }
    public int MaxBatch { get; init; }
    public int MaxQueueDelayUs { get; init; }
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double Seconds { get; init; }

    /// <summary>Inferences (rows) per second.</summary>
    public double Throughput { get; init; }

    public double P50Ms { get; init; }
    public double P90Ms { get; init; }
    public double P99Ms { get; init; }
    public double P999Ms { get; init; }
    public double MeanMs { get; init; }

    /// <summary>Process CPU time over wall time times cores (1 = every owned core busy).</summary>
    public double CpuUtilization { get; init; }

    /// <summary>Average rows per model execution (what the batcher achieved).</summary>
    public double AvgExecutedBatch { get; init; }

    public double? CostPerMillion { get; init; }

    /// <summary>Every measured request latency in milliseconds, ascending (for CDFs and custom percentiles).</summary>
    public IReadOnlyList<double> LatenciesMs { get; init; } = [];
}

/// <summary>Progress of a sweep: which point, and how far through it.</summary>
public sealed record PerfProgress(int Point, int Points, string Label, double Fraction);
