namespace Axon.Runtime;

/// <summary>How a model's replicas use the runtime's cores.</summary>
public enum Placement
{
    /// <summary>One replica over a group of cores (intra-op parallelism: a worker pool sized to the group).</summary>
    CoreGroup,

    /// <summary>One replica per core, each single-threaded (data parallelism); a request goes to the least busy replica.</summary>
    Replicated,
}

/// <summary>Options for loading one model into an <see cref="AxonRuntime"/>.</summary>
public sealed class ModelOptions
{
    /// <summary>The name requests use; default: the file name without extension (or the graph name).</summary>
    public string? Name { get; init; }

    /// <summary>The version; several versions of a name may be resident. Default 1 (or the next one on reload).</summary>
    public int Version { get; init; } = 1;

    /// <summary>Core group (one replica, default) or replicated (one replica per core).</summary>
    public Placement Placement { get; init; } = Placement.CoreGroup;

    /// <summary>How many of the runtime's cores the model uses (core group size, or replica count); default all.</summary>
    public int? Cores { get; init; }

    /// <summary>For <see cref="Placement.Replicated"/>: replicas (default one per core); extra replicas share cores round-robin.</summary>
    public int? Replicas { get; init; }

    /// <summary>
    /// Batch sizes the model may run at; a request of another size is padded up to the next one or split across runs and
    /// its outputs sliced back. Default: the profiles the <c>.axon</c> artifact was compiled for (none for ONNX: any size).
    /// </summary>
    public int[]? BatchProfiles { get; init; }

    /// <summary>Sizes per symbolic dimension (e.g. <c>sequence → [32, 64, 128]</c>): inputs are zero-padded up to the next size.</summary>
    public IReadOnlyDictionary<string, int[]>? Buckets { get; init; }

    /// <summary>Dynamic batching for <see cref="ModelHandle.RunAsync"/>; null = each request runs alone (batch of one request).</summary>
    public BatchingOptions? Batching { get; init; }

    /// <summary>Refuse the load when weights + planned arenas need more than this many bytes.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Compiler optimization level for ONNX models (0-3); ignored for <c>.axon</c> artifacts.</summary>
    public int OptimizationLevel { get; init; } = 2;

    /// <summary>Auto-cast of ONNX models at load (weights stored in BF16/FP16, FP32 accumulation); ignored for <c>.axon</c>
    /// artifacts, which carry the precision they were compiled with.</summary>
    public Axon.Compiler.AutoCast AutoCast { get; init; } = Axon.Compiler.AutoCast.None;

    /// <summary>The narrow type <see cref="AutoCast"/> stores in.</summary>
    public Axon.Compiler.CastType AutoCastType { get; init; } = Axon.Compiler.CastType.BFloat16;

    /// <summary>Compile cache for <c>.onnx</c> files loaded by path (default: <c>AXON_CACHE_DIR</c>, else none): the second
    /// load of the same file with the same options reads the cached <c>.axon</c> instead of re-running the passes.</summary>
    public string? CacheDir { get; init; } = Environment.GetEnvironmentVariable("AXON_CACHE_DIR") is { Length: > 0 } d ? d : null;
}

/// <summary>Dynamic batching: requests queued for a model are concatenated along dim 0 and run as one batch.</summary>
public sealed class BatchingOptions
{
    /// <summary>The most rows (dim 0) one batch may hold. 1 turns batching off (requests still queue).</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>How long the oldest queued request may wait for others before its batch is dispatched anyway.</summary>
    public int MaxQueueDelayMicroseconds { get; init; } = 1000;

    /// <summary>Batch sizes to dispatch at once as soon as that many rows are waiting (e.g. the compiled profiles).</summary>
    public int[] PreferredBatchSizes { get; init; } = [];

    /// <summary>The most requests that may wait; one more is rejected at once with <see cref="QueueFullException"/>.</summary>
    public int MaxQueueSize { get; init; } = 1024;

    /// <summary>
    /// Run a lone request at once when it is the only one waiting and no batch is running, instead of holding it for
    /// <see cref="MaxQueueDelayMicroseconds"/> (default true): a sequential client then pays no queue delay. While
    /// requests keep arriving (several waiting, or a batch running), the delay and preferred sizes apply as usual.
    /// </summary>
    public bool DispatchWhenIdle { get; init; } = true;

    /// <summary>The timeout of requests that do not set their own.</summary>
    public TimeSpan? DefaultTimeout { get; init; }
}

/// <summary>Request priority: the batcher serves every waiting high-priority request before normal ones.</summary>
public enum Priority
{
    Normal,
    High,
}

/// <summary>Per-request options of <see cref="ModelHandle.RunAsync"/>.</summary>
public sealed class RequestOptions
{
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>Fails the request with <see cref="RequestTimeoutException"/> if it has no result by then.</summary>
    public TimeSpan? Timeout { get; init; }
}
