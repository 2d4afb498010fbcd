using System.Diagnostics;

namespace Axon.Training.Distributed;

/// <summary>
/// The polling policy of a collective waiting for its peers: spin for the first 50 µs (a step's all-reduce usually
/// completes within that), then yield the core, then sleep 1 ms between polls once the wait passes 2 ms, so a rank that
/// waits for a slow peer does not steal a core from it; false once <paramref name="timeout"/> has passed.
/// </summary>
internal struct CollectiveDeadline(TimeSpan timeout)
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public readonly TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Waits a little before the next poll; false when the deadline has passed.</summary>
    public readonly bool Pause()
    {
        var elapsed = Elapsed;
        if (elapsed >= timeout)
        {
            return false;
        }
        if (elapsed < TimeSpan.FromMicroseconds(50))
        {
            Thread.SpinWait(20);
        }
        else if (elapsed < TimeSpan.FromMilliseconds(2))
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
        return true;
    }
}
