using System.Diagnostics;
using System.Text.Json;
using Axon.Runtime;
using Axon.Serving.Hosting;
using Axon.Serving.Repository;

namespace Axon.Serving.Metrics;

/// <summary>
/// The machine-readable statistics behind <c>GET /v2/axon/stats</c>, read by <c>axon monitor</c> and <c>axon top</c>:
/// the server, the host and the process; per logical core the busy time, runs and memory; per model cumulative
/// counters (requests, errors by class, inferences, executions, queue/compute time, batch-size histogram), the queue
/// depth now, memory by kind, and latency percentiles p0..p100 over the last <c>window</c> seconds (exact, from the
/// runtime's <see cref="LatencyWindow"/>). Counters are cumulative so any number of readers can diff their own samples.
/// </summary>
internal static class StatsReport
{
    public const int SchemaVersion = 1;

    /// <summary>The percentiles reported per model (neuron-monitor's set).</summary>
    public static readonly double[] Percentiles = [0, 1, 5, 10, 25, 50, 75, 90, 95, 99, 100];

    public static void Write(Utf8JsonWriter w, ServerContext ctx, IReadOnlyList<IServedModel> models, TimeSpan window, Process process)
    {
        w.WriteStartObject();
        w.WriteNumber("schema_version", SchemaVersion);
        w.WriteStartObject("server");
        w.WriteString("name", ServerContext.ServerName);
        w.WriteString("version", ServerContext.Version);
        w.WriteNumber("pid", Environment.ProcessId);
        w.WriteNumber("started_unix_ms", new DateTimeOffset(ctx.StartedAt).ToUnixTimeMilliseconds());
        w.WriteNumber("now_unix_ms", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        w.WriteNumber("uptime_s", (DateTime.UtcNow - ctx.StartedAt).TotalSeconds);
        w.WriteBoolean("ready", ctx.Ready);
        w.WriteNumber("http_in_flight", ctx.Metrics.InFlight.Value);
        w.WriteEndObject();
        w.WriteNumber("window_s", window.TotalSeconds);
        SystemSample.WriteSystem(w);
        SystemSample.WriteProcess(w, process);
        WriteCores(w, models);
        w.WriteStartArray("models");
        foreach (var m in models)
        {
            WriteModel(w, ctx, m, window);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCores(Utf8JsonWriter w, IReadOnlyList<IServedModel> models)
    {
        // Each model version has its own runtime, so one CPU may appear as a logical core of several: sum them.
        var cores = models.OfType<RuntimeModel>().SelectMany(m => m.Handle.Cores).GroupBy(c => c.Id).OrderBy(g => g.Key);
        w.WriteStartArray("cores");
        foreach (var g in cores)
        {
            w.WriteStartObject();
            w.WriteNumber("id", g.Key);
            w.WriteNumber("busy_seconds", g.Sum(c => c.BusyTime.TotalSeconds));
            w.WriteNumber("runs", g.Sum(c => c.Runs));
            w.WriteNumber("memory_bytes", g.Sum(c => c.MemoryBytes));
            w.WriteStartArray("models");
            foreach (var name in g.SelectMany(c => c.Models).Distinct().Order(StringComparer.Ordinal))
            {
                w.WriteStringValue(name);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteModel(Utf8JsonWriter w, ServerContext ctx, IServedModel m, TimeSpan window)
    {
        w.WriteStartObject();
        w.WriteString("name", m.Name);
        w.WriteString("version", m.Version);
        w.WriteString("platform", m.Platform);
        w.WriteNumber("max_batch_size", m.MaxBatchSize);
        var (httpClient, httpUnavailable, httpInternal) = ctx.Metrics.Failures(m.Name, m.Version);
        w.WriteStartObject("http_errors");
        w.WriteNumber("client", httpClient);
        w.WriteNumber("unavailable", httpUnavailable);
        w.WriteNumber("internal", httpInternal);
        w.WriteEndObject();
        if (m is not RuntimeModel rm)
        {
            w.WriteBoolean("runtime", false);
            w.WriteEndObject();
            return;
        }
        w.WriteBoolean("runtime", true);
        var h = rm.Handle;
        var s = h.Metrics;
        w.WriteString("placement", h.Placement == Placement.Replicated ? "replicated" : "core_group");
        w.WriteNumber("replicas", h.ReplicaCores.Count);
        w.WriteStartArray("cores");
        foreach (var c in h.Cores)
        {
            w.WriteNumberValue(c.Id);
        }
        w.WriteEndArray();
        w.WriteStartObject("requests");
        w.WriteNumber("success", s.RequestsOk);
        w.WriteNumber("failure", s.RequestsFailed);
        w.WriteNumber("in_flight", s.InFlight);
        w.WriteNumber("last_unix_ms", s.LastRequestUnixMs);
        w.WriteEndObject();
        w.WriteStartObject("errors");
        w.WriteNumber("client", s.RequestsInvalid);
        w.WriteNumber("timeout", s.RequestsTimedOut);
        w.WriteNumber("queue_full", s.RequestsRejected);
        w.WriteNumber("cancelled", s.RequestsCancelled);
        w.WriteNumber("unloaded", s.RequestsUnloaded);
        w.WriteNumber("internal", s.RequestsInternalError);
        w.WriteEndObject();
        w.WriteNumber("inferences", s.Rows);
        w.WriteNumber("executions", s.Batches);
        w.WriteNumber("queue_depth", s.QueueDepth);
        var lat = s.RecentRequestMs.Summarize(window, Percentiles.Select(p => p / 100).ToArray());
        w.WriteStartObject("latency_ms");
        w.WriteNumber("window_count", lat.Count);
        w.WriteNumber("mean", lat.MeanMs);
        w.WriteBoolean("truncated", lat.Truncated);
        for (int i = 0; i < Percentiles.Length; i++)
        {
            w.WriteNumber($"p{Percentiles[i]:0}", lat.ValuesMs[i]);
        }
        w.WriteEndObject();
        Totals(w, "request_ms", s.RequestMs.Snapshot());
        Totals(w, "queue_ms", s.QueueMs.Snapshot());
        Totals(w, "compute_ms", s.ComputeMs.Snapshot());
        var batch = s.BatchSize.Snapshot();
        w.WriteStartObject("batch_size");
        w.WriteNumber("count", batch.Count);
        w.WriteNumber("sum", batch.Sum);
        w.WriteStartArray("bounds");
        foreach (var b in batch.Bounds)
        {
            w.WriteNumberValue(b);
        }
        w.WriteEndArray();
        w.WriteStartArray("counts");
        foreach (var c in batch.Counts)
        {
            w.WriteNumberValue(c);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("memory_bytes");
        w.WriteNumber("weights", h.WeightBytes);
        w.WriteNumber("arena", h.ArenaBytes * h.ReplicaCores.Count);
        w.WriteNumber("total", h.MemoryBytes);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Totals(Utf8JsonWriter w, string name, HistogramSnapshot s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", s.Count);
        w.WriteNumber("sum", s.Sum);
        w.WriteEndObject();
    }
}
