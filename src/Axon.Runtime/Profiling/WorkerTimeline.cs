using Axon.Kernels.Threading;

namespace Axon.Runtime.Profiling;

/// <summary>
/// The <see cref="ILoopRecorder"/> a profile attaches to the session's worker pool: per worker thread, every parallel
/// loop it joined (start and end timestamps, chunks run). Each worker appends only to its own list, and the pool's
/// loop completes only after its helpers have recorded, so the caller reads complete lists once the runs return.
/// </summary>
internal sealed class WorkerTimeline(int workers) : ILoopRecorder
{
    private readonly List<(long Start, long End, int Chunks)>[] _loops =
        Enumerable.Range(0, workers).Select(_ => new List<(long, long, int)>(4096)).ToArray();

    public int Workers => _loops.Length;

    public IReadOnlyList<(long Start, long End, int Chunks)> Loops(int worker) => _loops[worker];

    public void Ran(int worker, long startTimestamp, long endTimestamp, int chunks)
    {
        if ((uint)worker < (uint)_loops.Length)
        {
            _loops[worker].Add((startTimestamp, endTimestamp, chunks));
        }
    }
}
