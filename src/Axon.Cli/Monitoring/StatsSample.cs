using System.Text.Json;

namespace Axon.Cli.Monitoring;

/// <summary>One reading of a server's <c>GET /v2/axon/stats</c>: cumulative counters plus the state now.</summary>
internal sealed record StatsSample(
    DateTimeOffset Taken,
    string ServerVersion,
    int Pid,
    double UptimeSeconds,
    bool Ready,
    string Hostname,
    string Os,
    string Architecture,
    int LogicalProcessors,
    long MemoryTotalBytes,
    long MemoryAvailableBytes,
    IReadOnlyList<VcpuTicks> Vcpus,
    ProcessStats Process,
    IReadOnlyList<CoreStats> Cores,
    IReadOnlyList<ModelStats> Models)
{
    /// <summary>Reads the stats document (missing sections read as empty, so older or fake servers still parse).</summary>
    public static StatsSample Parse(JsonElement root, DateTimeOffset taken)
    {
        var server = root.Get("server");
        var system = root.Get("system");
        var memory = system.Get("memory");
        var process = root.Get("process");
        var procMem = process.Get("memory_bytes");
        return new StatsSample(
            taken,
            server.Str("version"),
            (int)server.Num("pid"),
            server.Num("uptime_s"),
            server.Bool("ready"),
            system.Str("hostname"),
            system.Str("os"),
            system.Str("architecture"),
            (int)system.Num("logical_processors"),
            (long)memory.Num("total_bytes"),
            (long)memory.Num("available_bytes"),
            system.Items("vcpus").Select(v => new VcpuTicks((int)v.Num("id"), (long)v.Num("user"), (long)v.Num("nice"), (long)v.Num("system"),
                (long)v.Num("idle"), (long)v.Num("iowait"), (long)v.Num("irq"), (long)v.Num("softirq"), (long)v.Num("steal"))).ToList(),
            new ProcessStats(process.Num("cpu_seconds"), (int)process.Num("threads"), (long)procMem.Num("working_set"), (long)procMem.Num("private"),
                (long)procMem.Num("managed_heap"), (long)procMem.Num("gc_committed"), process.Items("gc_collections").Select(g => g.GetInt64()).ToArray(),
                process.Num("gc_pause_seconds")),
            root.Items("cores").Select(c => new CoreStats((int)c.Num("id"), c.Num("busy_seconds"), (long)c.Num("runs"), (long)c.Num("memory_bytes"),
                c.Items("models").Select(m => m.GetString() ?? "").ToArray())).ToList(),
            root.Items("models").Select(ModelStats.Parse).ToList());
    }
}

internal sealed record VcpuTicks(int Id, long User, long Nice, long System, long Idle, long IoWait, long Irq, long SoftIrq, long Steal)
{
    public long Total => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;
}

internal sealed record ProcessStats(double CpuSeconds, int Threads, long WorkingSet, long Private, long ManagedHeap, long GcCommitted,
    long[] GcCollections, double GcPauseSeconds);

internal sealed record CoreStats(int Id, double BusySeconds, long Runs, long MemoryBytes, string[] Models);

/// <summary>Error counts by class: the runtime's classes, with the HTTP layer's client and internal errors folded in.</summary>
internal sealed record ErrorCounts(long Client, long Timeout, long QueueFull, long Cancelled, long Unloaded, long Internal)
{
    public long Total => Client + Timeout + QueueFull + Cancelled + Unloaded + Internal;

    public ErrorCounts Minus(ErrorCounts o) =>
        new(Client - o.Client, Timeout - o.Timeout, QueueFull - o.QueueFull, Cancelled - o.Cancelled, Unloaded - o.Unloaded, Internal - o.Internal);
}

internal sealed record ModelStats(
    string Name,
    string Version,
    string Platform,
    bool Runtime,
    string Placement,
    int Replicas,
    int[] Cores,
    int MaxBatchSize,
    long Success,
    long Failure,
    int InFlight,
    ErrorCounts Errors,
    long Inferences,
    long Executions,
    int QueueDepth,
    int LatencyCount,
    double LatencyMeanMs,
    IReadOnlyDictionary<string, double> LatencyMs,
    (long Count, double Sum) QueueMs,
    (long Count, double Sum) ComputeMs,
    double[] BatchBounds,
    long[] BatchCounts,
    long WeightBytes,
    long ArenaBytes,
    long MemoryBytes)
{
    public string Key => $"{Name}:{Version}";

    public static ModelStats Parse(JsonElement m)
    {
        var http = m.Get("http_errors");
        var e = m.Get("errors");
        // The HTTP layer sees client errors the runtime never does (bad JSON, wrong datatype) and the runtime's input
        // errors come back through it as 400 too: the larger of the two counts each client error once.
        var errors = new ErrorCounts(
            Math.Max((long)http.Num("client"), (long)e.Num("client")),
            (long)e.Num("timeout"), (long)e.Num("queue_full"), (long)e.Num("cancelled"), (long)e.Num("unloaded"),
            Math.Max((long)http.Num("internal"), (long)e.Num("internal")));
        var req = m.Get("requests");
        var lat = m.Get("latency_ms");
        var pct = new Dictionary<string, double>(StringComparer.Ordinal);
        if (lat.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in lat.EnumerateObject())
            {
                if (p.Name.StartsWith('p') && p.Value.ValueKind == JsonValueKind.Number)
                {
                    pct[p.Name] = p.Value.GetDouble();
                }
            }
        }
        var batch = m.Get("batch_size");
        var mem = m.Get("memory_bytes");
        return new ModelStats(
            m.Str("name"), m.Str("version"), m.Str("platform"), m.Bool("runtime"), m.Str("placement"), (int)m.Num("replicas"),
            m.Items("cores").Select(c => c.GetInt32()).ToArray(), (int)m.Num("max_batch_size"),
            (long)req.Num("success"), (long)req.Num("failure"), (int)req.Num("in_flight"), errors,
            (long)m.Num("inferences"), (long)m.Num("executions"), (int)m.Num("queue_depth"),
            (int)lat.Num("window_count"), lat.Num("mean"), pct,
            Totals(m.Get("queue_ms")), Totals(m.Get("compute_ms")),
            batch.Items("bounds").Select(b => b.GetDouble()).ToArray(), batch.Items("counts").Select(c => c.GetInt64()).ToArray(),
            (long)mem.Num("weights"), (long)mem.Num("arena"), (long)mem.Num("total"));
    }

    private static (long, double) Totals(JsonElement e) => ((long)e.Num("count"), e.Num("sum"));
}

/// <summary>Lenient readers: a missing member reads as empty/zero.</summary>
internal static class JsonRead
{
    public static JsonElement Get(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : default;

    public static double Num(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : 0;

    public static string Str(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() ?? "" : "";

    public static bool Bool(this JsonElement e, string name) => e.Get(name).ValueKind == JsonValueKind.True;

    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
        e.Get(name) is { ValueKind: JsonValueKind.Array } v ? v.EnumerateArray() : [];
}
