namespace Axon.Training.Trainer;

/// <summary>
/// CPU time of every thread of this process by thread name, from <c>/proc/self/task/*/stat</c> (Linux; elsewhere
/// empty). The training profile reports the difference over an epoch, so CPU spent outside the replicas (JIT tiering,
/// GC, the data loader, a progress renderer) shows next to the replicas' own time.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>Clock ticks per second of the <c>stat</c> utime/stime fields (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>Seconds of CPU per live thread, keyed by "id/name".</summary>
    public static Dictionary<string, double> Snapshot()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/task"))
        {
            return result;
        }
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended between the listing and the read
            }
            int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
            if (open < 0 || close < open || close + 2 >= stat.Length)
            {
                continue;
            }
            string name = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            // After the name: state is field 0, utime field 11, stime field 12 (proc(5) numbers them 3, 14, 15).
            if (fields.Length > 12 && long.TryParse(fields[11], out long user) && long.TryParse(fields[12], out long sys))
            {
                result[$"{Path.GetFileName(dir)}/{name}"] = (user + sys) / TicksPerSecond;
            }
        }
        return result;
    }

    /// <summary>"name 1.23 s, ..." for the threads whose CPU grew by at least 10 ms since <paramref name="before"/>, largest first.</summary>
    /// <remarks>
    /// Threads that ended in between (the JIT's tiering worker exits when idle) are missing from the snapshot; their
    /// share shows as "ended threads", the process's CPU growth (<paramref name="processBefore"/>) less the live ones'.
    /// </remarks>
    public static string Since(Dictionary<string, double> before, TimeSpan processBefore)
    {
        var now = Snapshot();
        // By thread id (a thread that ended and one that started under the same name must not cancel out), then summed by name.
        var grown = now.GroupBy(kv => kv.Key[(kv.Key.IndexOf('/') + 1)..])
            .Select(g => (g.Key, Seconds: g.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key)))).ToList();
        double process = (Environment.CpuUsage.TotalTime - processBefore).TotalSeconds;
        if (grown.Count > 0 && process - grown.Sum(t => t.Seconds) is var ended and >= 0.01)
        {
            grown.Add(("ended threads", ended));
        }
        return string.Join(", ", grown.Where(t => t.Seconds >= 0.01).OrderByDescending(t => t.Seconds).Select(t => $"{t.Key} {t.Seconds:F2} s"));
    }
}
