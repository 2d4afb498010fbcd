using System.Runtime.InteropServices;

namespace Axon.Bench;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID). On a machine shared with other builds, a
/// single-threaded kernel's CPU time is far steadier than its wall time: waiting for the core is not counted.
/// </summary>
internal static partial class ThreadClock
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec ts);

    /// <summary>Milliseconds of CPU time this thread has used, or wall time where the clock is not available.</summary>
    public static double NowMs()
    {
        if (OperatingSystem.IsLinux() && ClockGettime(3, out var ts) == 0)
        {
            return ts.Sec * 1e3 + ts.Nsec / 1e6;
        }
        return System.Diagnostics.Stopwatch.GetTimestamp() * 1e3 / System.Diagnostics.Stopwatch.Frequency;
    }
}
