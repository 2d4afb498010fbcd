namespace Axon.Kernels.Threading;

/// <summary>
/// Receives what each thread of a <see cref="WorkerPool"/> did in each parallel loop, for profilers' per-thread tracks.
/// Called on the thread that did the work, once per loop it joined, after its last chunk; must not throw or block.
/// </summary>
public interface ILoopRecorder
{
    /// <param name="worker">0 = the thread that called <c>For</c>, 1.. = the pool's helper threads</param>
    /// <param name="startTimestamp">before its first chunk (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>)</param>
    /// <param name="endTimestamp">after its last chunk</param>
    /// <param name="chunks">how many of the loop's chunks this thread ran</param>
    void Ran(int worker, long startTimestamp, long endTimestamp, int chunks);
}
