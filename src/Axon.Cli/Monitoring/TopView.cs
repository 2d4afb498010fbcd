using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Axon.Cli.Monitoring;

/// <summary>The screen of <c>axon top</c>: a header line, the logical cores, the host's vCPUs and one row per model.</summary>
internal static class TopView
{
    public static IRenderable Waiting(Uri url) => new Markup($"[bold]axon top[/]  {Markup.Escape(url.ToString())}  measuring the first period...  [grey](q quits)[/]");

    public static IRenderable Render(WindowView v, Uri url, string? error)
    {
        var s = v.Now;
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]axon top[/]  {Markup.Escape(url.ToString())}  axon {Markup.Escape(s.ServerVersion)}  pid {s.Pid}  " +
                       $"up {Uptime(s.UptimeSeconds)}  {(s.Ready ? "[green]ready[/]" : "[yellow]not ready[/]")}  " +
                       $"period {v.PeriodSeconds:0.0}s  [grey]{DateTime.Now:HH:mm:ss}  (q quits)[/]"),
        };
        if (error is not null)
        {
            rows.Add(new Markup($"[red]{Markup.Escape(error)}[/] [grey](showing the last period received)[/]"));
        }
        var host = new List<string>();
        if (v.VcpuAverage is { } avg)
        {
            host.Add($"host CPU {100 - avg.Idle:0}% (" + string.Join(" ", v.Vcpus.Select(c => $"cpu{c.Id} {c.Busy:0}%")) + ")");
        }
        host.Add($"server CPU {v.ProcessCpuPercent:0}%  threads {s.Process.Threads}");
        host.Add($"memory: working set {Bytes(s.Process.WorkingSet)}, GC heap {Bytes(s.Process.ManagedHeap)}, host used {Bytes(Math.Max(0, s.MemoryTotalBytes - s.MemoryAvailableBytes))} of {Bytes(s.MemoryTotalBytes)}");
        rows.Add(new Markup(Markup.Escape(string.Join("   ", host))));

        var cores = new Table().Border(TableBorder.Rounded).Title("[bold]logical cores[/]");
        cores.AddColumns("core", "utilization", "runs/s", "memory", "models");
        foreach (var c in v.Cores)
        {
            cores.AddRow(c.Id.ToString(CultureInfo.InvariantCulture), Bar(c.UtilizationPercent), Rate(c.Runs / v.PeriodSeconds), Bytes(c.MemoryBytes),
                Markup.Escape(string.Join(", ", c.Models)));
        }
        if (v.Cores.Count == 0)
        {
            cores.AddRow("-", "no runtime models loaded", "", "", "");
        }
        rows.Add(cores);

        var models = new Table().Border(TableBorder.Rounded).Title("[bold]models[/]");
        models.AddColumns("model", "ver", "requests", "req/s", "inf/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "queue", "batch", "memory");
        foreach (var m in v.Models)
        {
            var n = m.Now;
            models.AddRow(Markup.Escape(n.Name), Markup.Escape(n.Version), n.Success.ToString(CultureInfo.InvariantCulture), Rate(m.RequestRate), Rate(m.InferenceRate),
                Ms(n, "p50"), Ms(n, "p90"), Ms(n, "p99"), Ms(n, "p100"),
                m.Errors.Total == 0 && n.Failure == 0 ? "0" : $"[red]{m.Errors.Total}[/] ({n.Failure} total)",
                n.QueueDepth.ToString(CultureInfo.InvariantCulture), m.BatchMean > 0 ? m.BatchMean.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                Bytes(n.MemoryBytes));
        }
        if (v.Models.Count == 0)
        {
            models.AddRow("(no models loaded)", "", "", "", "", "", "", "", "", "", "", "", "");
        }
        rows.Add(models);
        return new Rows(rows);
    }

    private static string Ms(ModelStats m, string p) =>
        m.LatencyCount == 0 ? "-" : m.LatencyMs.GetValueOrDefault(p).ToString(m.LatencyMs.GetValueOrDefault(p) < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    private static string Rate(double r) => r.ToString(r < 10 ? "0.0" : "0", CultureInfo.InvariantCulture);

    private static string Bar(double percent)
    {
        int filled = (int)Math.Round(Math.Clamp(percent, 0, 100) / 10);
        string color = percent >= 90 ? "red" : percent >= 60 ? "yellow" : "green";
        return $"[{color}]{new string('#', filled)}[/][grey]{new string('.', 10 - filled)}[/] {percent,5:0.0}%";
    }

    private static string Uptime(double s)
    {
        var t = TimeSpan.FromSeconds(s);
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d{t:hh\\:mm}" : t.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    internal static string Bytes(long b) => b switch
    {
        >= 1L << 30 => $"{b / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{b / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{b / 1024.0:0.0} KiB",
        _ => $"{b} B",
    };
}
