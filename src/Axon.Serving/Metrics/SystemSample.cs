using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Axon.Serving.Metrics;

/// <summary>
/// What the host and the server process look like now: per-vCPU time counters (Linux <c>/proc/stat</c>, in clock
/// ticks, so a reader diffs two samples into utilization), host memory (<c>/proc/meminfo</c>) and the process's CPU
/// time, memory by kind and garbage-collector counts. Written into the stats report's <c>system</c> and <c>process</c>.
/// </summary>
internal static class SystemSample
{
    private static readonly string[] CpuFields = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];

    public static void WriteSystem(Utf8JsonWriter w)
    {
        w.WriteStartObject("system");
        w.WriteString("hostname", Environment.MachineName);
        w.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
        w.WriteString("architecture", System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant());
        w.WriteNumber("logical_processors", Environment.ProcessorCount);
        w.WriteStartArray("vcpus");
        foreach (var line in ReadLines("/proc/stat"))
        {
            // "cpu0 user nice system idle iowait irq softirq steal ..." (the aggregate "cpu " line is skipped).
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsDigit(line[3]))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            w.WriteStartObject();
            w.WriteNumber("id", int.Parse(parts[0].AsSpan(3), CultureInfo.InvariantCulture));
            for (int i = 0; i < CpuFields.Length && i + 1 < parts.Length; i++)
            {
                w.WriteNumber(CpuFields[i], long.Parse(parts[i + 1], CultureInfo.InvariantCulture));
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        long total = 0, available = -1;
        foreach (var line in ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                total = Kib(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                available = Kib(line);
            }
        }
        if (total == 0)
        {
            total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        }
        w.WriteStartObject("memory");
        w.WriteNumber("total_bytes", total);
        w.WriteNumber("available_bytes", available < 0 ? 0 : available);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void WriteProcess(Utf8JsonWriter w, Process process)
    {
        process.Refresh();
        var gc = GC.GetGCMemoryInfo();
        w.WriteStartObject("process");
        w.WriteNumber("pid", Environment.ProcessId);
        w.WriteNumber("cpu_seconds", process.TotalProcessorTime.TotalSeconds);
        w.WriteNumber("threads", process.Threads.Count);
        w.WriteStartObject("memory_bytes");
        w.WriteNumber("working_set", process.WorkingSet64);
        w.WriteNumber("private", process.PrivateMemorySize64);
        w.WriteNumber("managed_heap", GC.GetTotalMemory(false));
        w.WriteNumber("gc_committed", gc.TotalCommittedBytes);
        w.WriteEndObject();
        w.WriteStartArray("gc_collections");
        for (int g = 0; g <= GC.MaxGeneration; g++)
        {
            w.WriteNumberValue(GC.CollectionCount(g));
        }
        w.WriteEndArray();
        w.WriteNumber("gc_pause_seconds", GC.GetTotalPauseDuration().TotalSeconds);
        w.WriteEndObject();
    }

    private static long Kib(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : 0;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }
        try
        {
            return File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
