namespace Axon.Runtime;

/// <summary>
/// What a model has done since it was loaded: request counters by outcome, histograms of request, queue and compute
/// time (milliseconds) and of batch sizes, and the current queue depth. Read by the server's Prometheus exporter and
/// by <c>axon perf</c>; every member is safe to read while requests run.
/// </summary>
public sealed class ModelMetrics
{
    private long _ok;
    private long _failed;
    private long _rejected;
    private long _timedOut;
    private long _cancelled;
    private long _invalid;
    private long _unloaded;
    private long _lastUnixMs;
    private long _batches;
    private long _rows;
    private int _queueDepth;
    private int _inFlight;

    /// <summary>Requests that returned outputs.</summary>
    public long RequestsOk => Interlocked.Read(ref _ok);

    /// <summary>Requests that ended in an error (any kind, including the ones counted below).</summary>
    public long RequestsFailed => Interlocked.Read(ref _failed);

    /// <summary>Requests rejected because the queue was full.</summary>
    public long RequestsRejected => Interlocked.Read(ref _rejected);

    public long RequestsTimedOut => Interlocked.Read(ref _timedOut);
    public long RequestsCancelled => Interlocked.Read(ref _cancelled);

    /// <summary>Requests refused because their inputs did not fit the model (names, dtypes, shapes): the caller's error.</summary>
    public long RequestsInvalid => Interlocked.Read(ref _invalid);

    /// <summary>Requests refused because the model was unloading.</summary>
    public long RequestsUnloaded => Interlocked.Read(ref _unloaded);

    /// <summary>Failures of no class above: the model itself failed (an internal error).</summary>
    public long RequestsInternalError =>
        Math.Max(0, RequestsFailed - RequestsRejected - RequestsTimedOut - RequestsCancelled - RequestsInvalid - RequestsUnloaded);

    /// <summary>When the last request finished (success or failure), as Unix milliseconds; 0 before the first.</summary>
    public long LastRequestUnixMs => Interlocked.Read(ref _lastUnixMs);

    /// <summary>End-to-end times of the most recent successful requests, for percentiles over a recent window (p0..p100).</summary>
    public LatencyWindow RecentRequestMs { get; } = new();

    /// <summary>Model executions (one per batch or split part).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Rows (inferences) computed, padding excluded.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Requests waiting in the batcher's queue now.</summary>
    public int QueueDepth => Volatile.Read(ref _queueDepth);

    /// <summary>Requests accepted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>End-to-end request time (ms), queueing included.</summary>
    public Histogram RequestMs { get; } = new(Histogram.LatencyBoundsMs);

    /// <summary>Time requests waited in the queue before their batch started (ms).</summary>
    public Histogram QueueMs { get; } = new(Histogram.LatencyBoundsMs);

    /// <summary>Time of each model execution (ms).</summary>
    public Histogram ComputeMs { get; } = new(Histogram.LatencyBoundsMs);

    /// <summary>Rows per execution (the batch sizes the batcher formed, before padding).</summary>
    public Histogram BatchSize { get; } = new(Histogram.BatchBounds);

    /// <summary>Executions and compute time per exact batch size.</summary>
    public BatchSizeStats ByBatchSize { get; } = new();

    internal void Started() => Interlocked.Increment(ref _inFlight);

    internal void Succeeded(double ms)
    {
        Interlocked.Increment(ref _ok);
        Interlocked.Decrement(ref _inFlight);
        RequestMs.Record(ms);
        RecentRequestMs.Record(ms);
        Interlocked.Exchange(ref _lastUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    internal void Failed(Exception e)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Decrement(ref _inFlight);
        Interlocked.Exchange(ref _lastUnixMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        switch (e)
        {
            case QueueFullException:
                Interlocked.Increment(ref _rejected);
                break;
            case RequestTimeoutException:
                Interlocked.Increment(ref _timedOut);
                break;
            case OperationCanceledException:
                Interlocked.Increment(ref _cancelled);
                break;
            case AxonInputException:
                Interlocked.Increment(ref _invalid);
                break;
            case ModelUnloadedException:
                Interlocked.Increment(ref _unloaded);
                break;
        }
    }

    internal void Executed(int rows, double ms)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _rows, rows);
        ComputeMs.Record(ms);
        BatchSize.Record(rows);
        ByBatchSize.Record(rows, ms);
    }

    internal void SetQueueDepth(int depth) => Volatile.Write(ref _queueDepth, depth);
}
