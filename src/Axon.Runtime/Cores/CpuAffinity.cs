using System.Runtime.InteropServices;

namespace Axon.Runtime;

/// <summary>
/// Pins the calling thread to a set of CPUs with <c>sched_setaffinity</c> on Linux (a no-op elsewhere), so a replica's
/// threads stay on the logical cores it was placed on and do not migrate onto cores that another replica owns.
/// </summary>
internal static partial class CpuAffinity
{
    /// <summary>True where pinning is implemented (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// Restricts the calling thread to <paramref name="cpus"/>; returns the thread's OS id when it was pinned, null when
    /// pinning is not supported here or the kernel refused (a CPU outside the process's cpuset, an id past the machine).
    /// </summary>
    public static int? PinCurrentThread(IReadOnlyList<int> cpus)
    {
        if (!Supported || cpus.Count == 0)
        {
            return null;
        }
        int max = cpus.Max();
        if (max >= 8192)
        {
            return null;
        }
        // A cpu_set_t sized to the highest id, rounded up to whole 64-bit words as the kernel expects.
        var mask = new ulong[max / 64 + 1];
        foreach (int c in cpus)
        {
            mask[c / 64] |= 1UL << (c % 64);
        }
        try
        {
            int tid = gettid();
            return sched_setaffinity(0, (nuint)(mask.Length * sizeof(ulong)), mask) == 0 ? tid : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whether pinning is wanted: <c>AXON_PIN_THREADS=0|1</c> overrides; else the option, else pin when the cores came from AXON_VISIBLE_CORES.</summary>
    public static bool Wanted(bool? option, bool coresVisible, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        return env("AXON_PIN_THREADS") switch
        {
            "0" or "false" => false,
            "1" or "true" => true,
            _ => option ?? coresVisible,
        };
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint cpusetsize, [In] ulong[] mask);

    [LibraryImport("libc")]
    private static partial int gettid();
}
