using System.Diagnostics;
using Axon.Kernels.Threading;

namespace Axon.Runtime;

/// <summary>
/// One copy of a model placed on one or more logical cores: the shared session run on this replica's own worker pool
/// (sized to its cores). Tracks its in-flight runs so requests can go to the least busy replica, and charges its run
/// time to its cores.
/// </summary>
internal sealed class Replica : IDisposable
{
    private readonly InferenceSession _session;
    private readonly int[] _cpus;
    private readonly List<int> _pinned = [];
    private int _active;

    public Replica(int index, InferenceSession session, IReadOnlyList<LogicalCore> cores, string modelName, bool pin = false)
    {
        Index = index;
        _session = session;
        Cores = cores;
        Pin = pin;
        _cpus = cores.Select(c => c.Id).ToArray();
        Pool = new WorkerPool(cores.Count, $"axon-{modelName}-r{index}", pin ? _ => PinCurrentThread() : null);
    }

    /// <summary>Whether this replica's threads pin themselves to its cores.</summary>
    public bool Pin { get; }

    /// <summary>OS ids of the threads pinned to this replica's cores so far (pool helpers and the batcher's worker).</summary>
    public IReadOnlyList<int> PinnedThreadIds
    {
        get
        {
            lock (_pinned)
            {
                return _pinned.ToArray();
            }
        }
    }

    /// <summary>Pins the calling thread to this replica's cores (when pinning is on) and remembers its id.</summary>
    public void PinCurrentThread()
    {
        if (Pin && CpuAffinity.PinCurrentThread(_cpus) is { } tid)
        {
            lock (_pinned)
            {
                _pinned.Add(tid);
            }
        }
    }

    public int Index { get; }
    public IReadOnlyList<LogicalCore> Cores { get; }
    public WorkerPool Pool { get; }

    /// <summary>Runs in progress on this replica (batcher and direct callers together).</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Runs one execution; outputs as tensors by name.</summary>
    public Dictionary<string, Tensor> Execute(IReadOnlyDictionary<string, Tensor> inputs)
    {
        Interlocked.Increment(ref _active);
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var kv in _session.Run(inputs, Pool, null))
            {
                if (kv.Value is Tensor t)
                {
                    result[kv.Key] = t;
                }
            }
            return result;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(t0);
            foreach (var c in Cores)
            {
                c.AddBusy(elapsed);
            }
            Interlocked.Decrement(ref _active);
        }
    }

    public void Dispose() => Pool.Dispose();
}
