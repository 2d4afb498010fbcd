using System.Diagnostics;

namespace Axon.Runtime;

/// <summary>
/// The request queue of one model and the thread that turns it into batches. A batch is formed when a replica is free:
/// compatible requests (high priority first, then FIFO) are taken up to <see cref="BatchingOptions.MaxBatchSize"/> rows,
/// dispatched at once when that many (or the largest preferred size) wait, else when the oldest request has waited
/// <see cref="BatchingOptions.MaxQueueDelayMicroseconds"/>, except that a lone request on an idle model runs at once
/// (<see cref="BatchingOptions.DispatchWhenIdle"/>). Each replica runs its batches on its own thread. The
/// scheduler sleeps on a monitor between events; nothing spins.
/// </summary>
internal sealed class DynamicBatcher : IDisposable
{
    private readonly object _gate = new();
    private readonly RequestQueue _queue = new();
    private readonly ModelHandle _model;
    private readonly ShapeRules _rules;
    private readonly ReplicaWorker[] _workers;
    private readonly Thread _scheduler;
    private readonly int _maxBatch;
    private readonly int _target;
    private readonly long _delayTicks;
    private readonly int _maxQueue;
    private readonly TimeSpan? _defaultTimeout;
    private readonly bool _dispatchWhenIdle;
    private bool _stopping;
    private bool _stopped;

    public DynamicBatcher(ModelHandle model, ShapeRules rules, IReadOnlyList<Replica> replicas, BatchingOptions? options)
    {
        _model = model;
        _rules = rules;
        options ??= new BatchingOptions { MaxBatchSize = 1, MaxQueueDelayMicroseconds = 0 };
        if (options.MaxBatchSize < 1 || options.MaxQueueDelayMicroseconds < 0 || options.MaxQueueSize < 1)
        {
            throw new AxonException($"batching options of model '{model.Name}' need MaxBatchSize >= 1, MaxQueueDelayMicroseconds >= 0 and MaxQueueSize >= 1", "AXR002");
        }
        _maxBatch = rules.Batchable ? options.MaxBatchSize : 1;
        var preferred = options.PreferredBatchSizes.Where(p => p >= 1 && p <= _maxBatch).ToArray();
        _target = preferred.Length > 0 ? preferred.Max() : _maxBatch;
        _delayTicks = (long)(options.MaxQueueDelayMicroseconds * (Stopwatch.Frequency / 1_000_000.0));
        _maxQueue = options.MaxQueueSize;
        _defaultTimeout = options.DefaultTimeout;
        _dispatchWhenIdle = options.DispatchWhenIdle;
        _workers = replicas.Select(r => new ReplicaWorker(r, this)).ToArray();
        _scheduler = new Thread(SchedulerLoop) { IsBackground = true, Name = $"axon-batcher-{model.Name}" };
        _scheduler.Start();
    }

    public int MaxBatchSize => _maxBatch;

    /// <summary>Queues a request; fails at once (faulted task) when the queue is full or the model is unloading.</summary>
    public Task<IReadOnlyDictionary<string, Tensor>> Submit(IReadOnlyDictionary<string, Tensor> inputs, RequestOptions? options, CancellationToken ct)
    {
        var metrics = _model.Metrics;
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<IReadOnlyDictionary<string, Tensor>>(ct);
        }
        PendingRequest r;
        try
        {
            _model.Validate(inputs);
            var (padded, original) = _rules.PadBuckets(inputs);
            int rows = _rules.RowsOf(padded);
            r = new PendingRequest(padded, original, rows, BatchAssembler.KeyOf(_model.Inputs, padded, _rules.Batchable), options?.Priority ?? Priority.Normal, metrics);
        }
        catch (AxonException e)
        {
            metrics.Started();
            metrics.Failed(e);
            return Task.FromException<IReadOnlyDictionary<string, Tensor>>(e);
        }
        metrics.Started();
        Exception? reject = null;
        lock (_gate)
        {
            if (_stopping)
            {
                reject = new ModelUnloadedException($"model '{_model.Name}' version {_model.Version} is unloading; the request was not queued");
            }
            else if (_queue.Count >= _maxQueue)
            {
                reject = new QueueFullException($"the queue of model '{_model.Name}' is full ({_maxQueue} requests waiting); retry later");
            }
            else
            {
                _queue.Add(r);
                _model.Metrics.SetQueueDepth(_queue.Count);
                Monitor.PulseAll(_gate);
            }
        }
        if (reject is not null)
        {
            r.Fail(reject);
            return r.Task;
        }
        r.Watch(options?.Timeout ?? _defaultTimeout, ct, OnTimeout, OnCancel);
        return r.Task;
    }

    private void OnTimeout(PendingRequest r)
    {
        Dequeue(r);
        r.Fail(new RequestTimeoutException($"a request to model '{_model.Name}' got no result within its timeout"));
    }

    private void OnCancel(PendingRequest r)
    {
        // Only a request that has not started is removed; a started one delivers its result.
        if (Dequeue(r))
        {
            r.Fail(new OperationCanceledException("the request was cancelled before it started"));
        }
    }

    private bool Dequeue(PendingRequest r)
    {
        lock (_gate)
        {
            if (r.State != RequestState.Queued)
            {
                return false;
            }
            r.State = RequestState.Done;
            _queue.Remove(r);
            _model.Metrics.SetQueueDepth(_queue.Count);
            return true;
        }
    }

    private void SchedulerLoop()
    {
        var batch = new List<PendingRequest>();
        lock (_gate)
        {
            while (true)
            {
                if (_queue.Count == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }
                    Monitor.Wait(_gate);
                    continue;
                }
                var worker = FreeWorker();
                if (worker is null)
                {
                    Monitor.Wait(_gate);
                    continue;
                }
                var first = _queue.First!;
                batch.Clear();
                int rows = 0;
                foreach (var r in _queue.InOrder())
                {
                    if (r.Key != first.Key || (batch.Count > 0 && rows + r.Rows > _maxBatch))
                    {
                        continue;
                    }
                    batch.Add(r);
                    rows += r.Rows;
                    if (rows >= _maxBatch)
                    {
                        break;
                    }
                }
                long wait = first.EnqueuedAt + _delayTicks - Stopwatch.GetTimestamp();
                if (rows < _target && wait > 0 && !_stopping && !LoneRequestOnIdleModel())
                {
                    // Whole milliseconds, rounded up: a sub-millisecond wait would return at once and spin.
                    Monitor.Wait(_gate, (int)Math.Max(1, (wait * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency));
                    continue;
                }
                if (rows > _target && _target < _maxBatch)
                {
                    rows = TrimTo(batch, _target);
                }
                long now = Stopwatch.GetTimestamp();
                foreach (var r in batch)
                {
                    r.State = RequestState.Started;
                    _queue.Remove(r);
                    _model.Metrics.QueueMs.Record((now - r.EnqueuedAt) * 1000.0 / Stopwatch.Frequency);
                }
                _model.Metrics.SetQueueDepth(_queue.Count);
                worker.Post([.. batch], rows);
            }
        }
    }

    // Nothing else waits and no replica is running a batch: waiting could only add latency, as no companion is in sight.
    private bool LoneRequestOnIdleModel()
    {
        if (!_dispatchWhenIdle || _queue.Count != 1)
        {
            return false;
        }
        foreach (var w in _workers)
        {
            if (w.Busy)
            {
                return false;
            }
        }
        return true;
    }

    // Keeps the longest prefix of the batch that fits the preferred size (at least one request).
    private static int TrimTo(List<PendingRequest> batch, int target)
    {
        int rows = 0, keep = 0;
        while (keep < batch.Count && (keep == 0 || rows + batch[keep].Rows <= target))
        {
            rows += batch[keep++].Rows;
        }
        batch.RemoveRange(keep, batch.Count - keep);
        return rows;
    }

    private ReplicaWorker? FreeWorker()
    {
        ReplicaWorker? best = null;
        foreach (var w in _workers)
        {
            if (!w.Busy && (best is null || w.Replica.Active < best.Replica.Active))
            {
                best = w;
            }
        }
        return best;
    }

    /// <summary>Runs one batch on a replica's thread and answers its requests.</summary>
    internal void RunBatch(Replica replica, PendingRequest[] batch, int rows)
    {
        try
        {
            var inputs = BatchAssembler.Concat(batch, _model.Inputs);
            var outputs = _model.Execute(replica, inputs, rows);
            BatchAssembler.Scatter(batch, outputs, rows, _rules);
        }
        catch (Exception) when (batch.Length > 1)
        {
            // One bad request must not fail its neighbours: run each alone so only the culprit sees its error.
            foreach (var r in batch)
            {
                RunBatch(replica, [r], r.Rows);
            }
        }
        catch (Exception e)
        {
            batch[0].Fail(e is AxonException ? e : new AxonException($"model '{_model.Name}' failed: {e.Message}", "AXR040", e));
        }
    }

    internal void WorkerDone(ReplicaWorker w)
    {
        lock (_gate)
        {
            w.Busy = false;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops accepting requests, runs every queued one (without waiting for batch delays) and stops the threads.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _scheduler.Join();
        lock (_gate)
        {
            while (_workers.Any(w => w.Busy))
            {
                Monitor.Wait(_gate);
            }
            _stopped = true;
        }
        foreach (var w in _workers)
        {
            w.Stop();
        }
    }

    public void Dispose() => Drain();
}
