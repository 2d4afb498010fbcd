namespace Axon.Runtime;

/// <summary>Options of an <see cref="AxonRuntime"/>.</summary>
public sealed class RuntimeOptions
{
    /// <summary>
    /// The logical cores the runtime owns (CPU ids). When null: <c>AXON_VISIBLE_CORES</c> (e.g. <c>0-1</c> or <c>0,2</c>),
    /// else the first <c>AXON_NUM_CORES</c> cores, else every processor.
    /// </summary>
    public IReadOnlyList<int>? Cores { get; init; }

    /// <summary>A limit on the bytes all resident models may account (weights + arenas); null = no limit.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>
    /// Pin each replica's threads to its logical cores (Linux <c>sched_setaffinity</c>; nothing elsewhere). Default: pin
    /// when the cores come from <c>AXON_VISIBLE_CORES</c>; <c>AXON_PIN_THREADS=0|1</c> overrides.
    /// </summary>
    public bool? PinThreads { get; init; }
}
