namespace Axon.Runtime;

/// <summary>
/// One logical core owned by an <see cref="AxonRuntime"/>: an id (the CPU index it stands for), the models placed on it
/// and how long it has been busy running them. Busy time is the wall time of the runs of every replica placed on it.
/// </summary>
public sealed class LogicalCore
{
    private long _busyTicks;
    private long _runs;
    private long _memoryBytes;
    private readonly object _gate = new();
    private readonly List<string> _models = [];

    internal LogicalCore(int id) => Id = id;

    /// <summary>The CPU index this logical core stands for (from <c>AXON_VISIBLE_CORES</c> or the options).</summary>
    public int Id { get; }

    /// <summary>Total time replicas placed on this core spent running.</summary>
    public TimeSpan BusyTime => TimeSpan.FromTicks(Interlocked.Read(ref _busyTicks));

    /// <summary>How many runs (batches) replicas on this core executed.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Bytes accounted to this core by the models placed on it (weights share + arenas).</summary>
    public long MemoryBytes => Interlocked.Read(ref _memoryBytes);

    /// <summary>The models (name:version) with a replica on this core.</summary>
    public IReadOnlyList<string> Models
    {
        get
        {
            lock (_gate)
            {
                return _models.ToArray();
            }
        }
    }

    internal void AddBusy(TimeSpan t)
    {
        Interlocked.Add(ref _busyTicks, t.Ticks);
        Interlocked.Increment(ref _runs);
    }

    internal void Attach(string model, long bytes)
    {
        lock (_gate)
        {
            _models.Add(model);
        }
        Interlocked.Add(ref _memoryBytes, bytes);
    }

    internal void Detach(string model, long bytes)
    {
        lock (_gate)
        {
            _models.Remove(model);
        }
        Interlocked.Add(ref _memoryBytes, -bytes);
    }

    public override string ToString() => $"core {Id}";
}
