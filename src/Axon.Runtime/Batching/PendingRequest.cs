using System.Diagnostics;

namespace Axon.Runtime;

internal enum RequestState
{
    Queued,
    Started,
    Done,
}

/// <summary>
/// One <see cref="ModelHandle.RunAsync"/> call waiting in (or taken from) the batcher's queue. Its task completes
/// exactly once: with its own outputs, an error, a timeout or a cancellation, whichever comes first.
/// </summary>
internal sealed class PendingRequest
{
    private readonly TaskCompletionSource<IReadOnlyDictionary<string, Tensor>> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ModelMetrics _metrics;
    private int _finished;
    private Timer? _timer;
    private CancellationTokenRegistration _registration;

    public PendingRequest(IReadOnlyDictionary<string, Tensor> inputs, Dictionary<string, int>? original, int rows, string key, Priority priority, ModelMetrics metrics)
    {
        Inputs = inputs;
        Original = original;
        Rows = rows;
        Key = key;
        Priority = priority;
        _metrics = metrics;
        EnqueuedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Inputs after bucket padding (what the batch concatenates).</summary>
    public IReadOnlyDictionary<string, Tensor> Inputs { get; }

    /// <summary>The request's own size of every bucket-padded symbol (outputs are narrowed back to it).</summary>
    public Dictionary<string, int>? Original { get; }

    public int Rows { get; }

    /// <summary>Requests with equal keys (dtypes and non-batch dims) may share a batch.</summary>
    public string Key { get; }

    public Priority Priority { get; }
    public long EnqueuedAt { get; }

    /// <summary>Guarded by the batcher's lock.</summary>
    public RequestState State { get; set; }

    /// <summary>The request's place in its priority list while queued (guarded by the batcher's lock).</summary>
    public LinkedListNode<PendingRequest>? Node { get; set; }

    public Task<IReadOnlyDictionary<string, Tensor>> Task => _tcs.Task;

    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public void Watch(TimeSpan? timeout, CancellationToken ct, Action<PendingRequest> onTimeout, Action<PendingRequest> onCancel)
    {
        if (timeout is { } t)
        {
            var state = (onTimeout, this);
            _timer = new Timer(static s => { var (cb, r) = ((Action<PendingRequest>, PendingRequest))s!; cb(r); }, state, t, Timeout.InfiniteTimeSpan);
        }
        if (ct.CanBeCanceled)
        {
            _registration = ct.Register(static s => { var (cb, r) = ((Action<PendingRequest>, PendingRequest))s!; cb(r); }, (onCancel, this));
        }
        if (IsFinished)
        {
            Release();
        }
    }

    public void Complete(IReadOnlyDictionary<string, Tensor> outputs)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }
        _metrics.Succeeded(Stopwatch.GetElapsedTime(EnqueuedAt).TotalMilliseconds);
        Release();
        _tcs.TrySetResult(outputs);
    }

    public void Fail(Exception e)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }
        _metrics.Failed(e);
        Release();
        if (e is OperationCanceledException oce)
        {
            _tcs.TrySetCanceled(oce.CancellationToken);
        }
        else
        {
            _tcs.TrySetException(e);
        }
    }

    private void Release()
    {
        _timer?.Dispose();
        _registration.Dispose();
    }
}
