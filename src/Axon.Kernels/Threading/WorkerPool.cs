namespace Axon.Kernels.Threading;

/// <summary>The body of a parallel loop: a struct, so the loop is specialized and nothing is allocated per call.</summary>
public interface IParallelBody
{
    void Invoke(int index);
}

/// <summary>
/// A persistent pool of worker threads sized to the cores a model was given. <see cref="For{TBody}"/> hands out chunk
/// indices through one atomic counter (the calling thread works too), so the cores stay busy without per-call
/// allocation or <c>Parallel.For</c> overhead. One loop runs at a time per pool; concurrent callers queue.
/// A model's parallel loops are short (0.1-1 ms each, dozens per inference), so a worker that finishes one spins for
/// <see cref="SpinMicroseconds"/> watching for the next before it parks on its event: the next loop then starts on it
/// within a cache-line transfer instead of a futex wake-up, and an idle pool still sleeps.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    /// <summary>How long a worker keeps polling for the next loop before it parks.</summary>
    public const int SpinMicroseconds = 200;

    private static readonly long SpinTicks = System.Diagnostics.Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private readonly Thread[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly int[] _parked;
    private int _generation;
    private readonly object _gate = new();
    private readonly Dictionary<Type, JobBase> _jobs = [];
    private JobBase? _job;
    private int _next;
    private int _count;
    private int _active;
    private int _open;
    private volatile bool _disposed;
    private Exception? _error;
    private volatile ILoopRecorder? _recorder;

    /// <summary>A pool of <paramref name="threads"/> (the caller counts as one); <paramref name="threadInit"/> runs first on
    /// each helper thread with its index (the runtime pins helpers to their cores there).</summary>
    public WorkerPool(int threads, string name = "axon-worker", Action<int>? threadInit = null)
    {
        if (threads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), "a pool needs at least one thread");
        }
        Threads = threads;
        _threads = new Thread[threads - 1];
        _start = new ManualResetEventSlim[threads - 1];
        _parked = new int[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _start[i] = new ManualResetEventSlim(false, 0);
            int id = i;
            _threads[i] = new Thread(() =>
            {
                threadInit?.Invoke(id);
                WorkerLoop(id);
            }) { IsBackground = true, Name = $"{name}-{i + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that execute a loop, including the caller.</summary>
    public int Threads { get; }

    /// <summary>Set only while profiling: told, per loop and thread, which thread ran how many chunks and when. Null (the
    /// normal case) costs one field read per loop and thread.</summary>
    public ILoopRecorder? Recorder
    {
        get => _recorder;
        set => _recorder = value;
    }

    private static WorkerPool? _default;

    /// <summary>A pool that runs every loop on the calling thread: for kernels called from inside another parallel loop.</summary>
    public static WorkerPool Inline { get; } = new(1, "axon-inline");

    /// <summary>A process-wide pool with one thread per processor, created on first use.</summary>
    public static WorkerPool Default => LazyInitializer.EnsureInitialized(ref _default, () => new WorkerPool(Environment.ProcessorCount));

    /// <summary>Runs <c>body.Invoke(i)</c> for i in [0, count); returns when all are done. Exceptions propagate to the caller.</summary>
    public void For<TBody>(int count, TBody body) where TBody : struct, IParallelBody
    {
        if (count <= 0)
        {
            return;
        }
        if (count == 1 || Threads == 1)
        {
            var recorder = _recorder;
            long t0 = recorder is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                body.Invoke(i);
            }
            recorder?.Ran(0, t0, System.Diagnostics.Stopwatch.GetTimestamp(), count);
            return;
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_jobs.TryGetValue(typeof(TBody), out var cached))
            {
                _jobs[typeof(TBody)] = cached = new Job<TBody>();
            }
            var job = (Job<TBody>)cached;
            job.Body = body;
            _error = null;
            _count = count;
            _next = 0;
            int helpers = Math.Min(_threads.Length, count - 1);
            Volatile.Write(ref _job, job);
            Interlocked.Exchange(ref _open, 1);
            Interlocked.Increment(ref _generation);
            for (int i = 0; i < helpers; i++)
            {
                // Spinning workers see the new generation by themselves; only a parked one needs its event.
                if (Interlocked.Exchange(ref _parked[i], 0) == 1)
                {
                    _start[i].Set();
                }
            }
            Drain(job, 0);
            // Close the loop, then wait only for helpers that joined it: on a loaded machine a helper that has not been
            // scheduled yet must not hold the caller up (it finds the loop closed and goes back to sleep).
            Interlocked.Exchange(ref _open, 0);
            var spin = new SpinWait();
            while (Volatile.Read(ref _active) > 0)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            Volatile.Write(ref _job, null);
            job.Body = default;
            if (_error is not null)
            {
                var e = _error;
                _error = null;
                throw new AggregateException("a parallel kernel loop failed", e);
            }
        }
    }

    /// <param name="worker">0 for the calling thread, 1.. for the helpers</param>
    private void Drain(JobBase job, int worker)
    {
        var recorder = _recorder;
        long t0 = recorder is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
        int ran = 0;
        try
        {
            int i;
            while ((i = Interlocked.Increment(ref _next) - 1) < _count)
            {
                job.Run(i);
                ran++;
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            Volatile.Write(ref _next, _count);
        }
        if (recorder is not null && ran > 0)
        {
            recorder.Ran(worker, t0, System.Diagnostics.Stopwatch.GetTimestamp(), ran);
        }
    }

    private void WorkerLoop(int id)
    {
        var start = _start[id];
        int seen = 0;
        while (true)
        {
            int generation = AwaitGeneration(id, seen, start);
            if (_disposed)
            {
                return;
            }
            seen = generation;
            // Join first, then check the loop is still open (the caller closes before it waits for _active to drain).
            Interlocked.Increment(ref _active);
            if (Volatile.Read(ref _open) == 1 && Volatile.Read(ref _job) is { } job)
            {
                Drain(job, id + 1);
            }
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>Waits until the generation differs from <paramref name="seen"/>: spins first, then parks on the worker's event.</summary>
    private int AwaitGeneration(int id, int seen, ManualResetEventSlim start)
    {
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        int g;
        while ((g = Volatile.Read(ref _generation)) == seen && !_disposed)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(16);
                continue;
            }
            // Park: announce it, then look once more so a loop published in between is not missed. A wake-up that
            // arrives after this worker saw the generation itself leaves the event set; the next wait returns at once
            // and the loop above simply checks again.
            start.Reset();
            Interlocked.Exchange(ref _parked[id], 1);
            if (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                start.Wait();
            }
            Interlocked.Exchange(ref _parked[id], 0);
            deadline = System.Diagnostics.Stopwatch.GetTimestamp() + SpinTicks;
        }
        return g;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        lock (_gate)
        {
            _disposed = true;
            Interlocked.Increment(ref _generation);
            foreach (var s in _start)
            {
                s.Set();
            }
        }
        foreach (var t in _threads)
        {
            t.Join();
        }
        foreach (var s in _start)
        {
            s.Dispose();
        }
    }

    private abstract class JobBase
    {
        public abstract void Run(int i);
    }

    private sealed class Job<TBody> : JobBase where TBody : struct, IParallelBody
    {
        // One job object per (pool, body type), reused for every loop: no allocation after the first call.
        public TBody Body;

        public override void Run(int i) => Body.Invoke(i);
    }
}
