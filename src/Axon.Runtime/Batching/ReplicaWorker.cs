namespace Axon.Runtime;

/// <summary>The thread that runs a batcher's batches on one replica, one batch at a time.</summary>
internal sealed class ReplicaWorker
{
    private readonly DynamicBatcher _owner;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Thread _thread;
    private PendingRequest[]? _batch;
    private int _rows;
    private volatile bool _stop;

    public ReplicaWorker(Replica replica, DynamicBatcher owner)
    {
        Replica = replica;
        _owner = owner;
        _thread = new Thread(Loop) { IsBackground = true, Name = $"axon-replica-{replica.Index}" };
        _thread.Start();
    }

    public Replica Replica { get; }

    /// <summary>Guarded by the batcher's lock.</summary>
    public bool Busy { get; set; }

    /// <summary>Hands a batch to the thread (called under the batcher's lock).</summary>
    public void Post(PendingRequest[] batch, int rows)
    {
        Busy = true;
        _batch = batch;
        _rows = rows;
        _signal.Release();
    }

    private void Loop()
    {
        Replica.PinCurrentThread();
        while (true)
        {
            _signal.Wait();
            if (_stop)
            {
                return;
            }
            var batch = _batch!;
            _batch = null;
            _owner.RunBatch(Replica, batch, _rows);
            _owner.WorkerDone(this);
        }
    }

    public void Stop()
    {
        _stop = true;
        _signal.Release();
        _thread.Join();
        _signal.Dispose();
    }
}
