using System.Text.Json;

namespace Axon.Cli.Monitoring;

/// <summary>
/// The document <c>axon monitor</c> prints each period, grouped as neuron-monitor groups its report: a
/// <c>period</c> marker, <c>runtime_data</c> (one entry per attached server with its <c>execution_stats</c>,
/// <c>memory_used</c> and <c>core_counters</c>), <c>system_data</c> (vCPU usage, host memory, the server process)
/// and <c>instance_info</c>. Each group carries its own <c>error</c> (empty when fine).
/// </summary>
internal static class MonitorJson
{
    public static readonly string[] PercentileNames = ["p0", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "p100"];

    public static void Write(Utf8JsonWriter w, WindowView v, Uri url, string? error = null)
    {
        var s = v.Now;
        double period = v.PeriodSeconds;
        w.WriteStartObject();
        w.WriteStartObject("period");
        w.WriteNumber("sequence", v.Sequence);
        w.WriteString("start", v.Start.ToString("O"));
        w.WriteString("end", v.End.ToString("O"));
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteEndObject();

        w.WriteStartArray("runtime_data");
        w.WriteStartObject();
        w.WriteString("url", url.ToString());
        w.WriteNumber("pid", s.Pid);
        w.WriteString("server_version", s.ServerVersion);
        w.WriteBoolean("ready", s.Ready);
        w.WriteNumber("uptime_s", Math.Round(s.UptimeSeconds, 3));
        w.WriteString("error", error ?? "");
        w.WriteStartObject("report");
        WriteExecution(w, v, period);
        WriteMemory(w, v, period);
        WriteCores(w, v, period);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();

        WriteSystem(w, v, period);

        w.WriteStartObject("instance_info");
        w.WriteString("hostname", s.Hostname);
        w.WriteString("os", s.Os);
        w.WriteString("architecture", s.Architecture);
        w.WriteNumber("logical_processors", s.LogicalProcessors);
        w.WriteString("error", "");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteExecution(Utf8JsonWriter w, WindowView v, double period)
    {
        w.WriteStartObject("execution_stats");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", "");
        w.WriteStartArray("models");
        foreach (var m in v.Models)
        {
            var n = m.Now;
            w.WriteStartObject();
            w.WriteString("name", n.Name);
            w.WriteString("version", n.Version);
            w.WriteString("platform", n.Platform);
            w.WriteNumber("request_rate", Math.Round(m.RequestRate, 3));
            w.WriteNumber("inference_rate", Math.Round(m.InferenceRate, 3));
            w.WriteNumber("execution_rate", Math.Round(m.ExecutionRate, 3));
            w.WriteStartObject("requests");
            w.WriteNumber("success", m.Success);
            w.WriteNumber("failure", m.Failure);
            w.WriteNumber("total_success", n.Success);
            w.WriteNumber("total_failure", n.Failure);
            w.WriteNumber("in_flight", n.InFlight);
            w.WriteEndObject();
            w.WriteStartObject("error_counts");
            w.WriteNumber("client", m.Errors.Client);
            w.WriteNumber("timeout", m.Errors.Timeout);
            w.WriteNumber("queue_full", m.Errors.QueueFull);
            w.WriteNumber("cancelled", m.Errors.Cancelled);
            w.WriteNumber("unloaded", m.Errors.Unloaded);
            w.WriteNumber("internal", m.Errors.Internal);
            w.WriteNumber("total", m.Errors.Total);
            w.WriteEndObject();
            w.WriteNumber("queue_depth", n.QueueDepth);
            w.WriteStartObject("latency_ms");
            w.WriteNumber("count", n.LatencyCount);
            w.WriteNumber("mean", Math.Round(n.LatencyMeanMs, 4));
            foreach (var p in PercentileNames)
            {
                w.WriteNumber(p, Math.Round(n.LatencyMs.GetValueOrDefault(p), 4));
            }
            w.WriteEndObject();
            w.WriteNumber("queue_ms_mean", Math.Round(m.QueueMeanMs, 4));
            w.WriteNumber("compute_ms_mean", Math.Round(m.ComputeMeanMs, 4));
            w.WriteStartObject("batch_size");
            w.WriteNumber("max", n.MaxBatchSize);
            w.WriteNumber("mean", Math.Round(m.BatchMean, 3));
            w.WriteStartObject("histogram");
            foreach (var (bucket, count) in m.Batches)
            {
                w.WriteNumber(bucket, count);
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteMemory(Utf8JsonWriter w, WindowView v, double period)
    {
        var p = v.Now.Process;
        w.WriteStartObject("memory_used");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", "");
        w.WriteStartObject("runtime_memory");
        w.WriteNumber("weights_bytes", v.Models.Sum(m => m.Now.WeightBytes));
        w.WriteNumber("arena_bytes", v.Models.Sum(m => m.Now.ArenaBytes));
        w.WriteNumber("host_working_set_bytes", p.WorkingSet);
        w.WriteNumber("host_private_bytes", p.Private);
        w.WriteNumber("gc_heap_bytes", p.ManagedHeap);
        w.WriteNumber("gc_committed_bytes", p.GcCommitted);
        w.WriteEndObject();
        w.WriteStartArray("models");
        foreach (var m in v.Models)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Now.Name);
            w.WriteString("version", m.Now.Version);
            w.WriteNumber("weights_bytes", m.Now.WeightBytes);
            w.WriteNumber("arena_bytes", m.Now.ArenaBytes);
            w.WriteNumber("total_bytes", m.Now.MemoryBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCores(Utf8JsonWriter w, WindowView v, double period)
    {
        w.WriteStartObject("core_counters");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", "");
        w.WriteStartObject("cores");
        foreach (var c in v.Cores)
        {
            w.WriteStartObject(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("utilization_percent", Math.Round(c.UtilizationPercent, 2));
            w.WriteNumber("runs", c.Runs);
            w.WriteNumber("memory_bytes", c.MemoryBytes);
            w.WriteStartArray("models");
            foreach (var m in c.Models)
            {
                w.WriteStringValue(m);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteSystem(Utf8JsonWriter w, WindowView v, double period)
    {
        var s = v.Now;
        w.WriteStartObject("system_data");
        w.WriteStartObject("vcpu_usage");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", v.Vcpus.Count == 0 ? "per-vCPU counters are only read on Linux" : "");
        if (v.VcpuAverage is { } a)
        {
            w.WriteStartObject("average_usage");
            Usage(w, a);
            w.WriteEndObject();
        }
        w.WriteStartObject("usage_data");
        foreach (var c in v.Vcpus)
        {
            w.WriteStartObject(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Usage(w, c);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject("memory_info");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", "");
        w.WriteNumber("memory_total_bytes", s.MemoryTotalBytes);
        w.WriteNumber("memory_used_bytes", Math.Max(0, s.MemoryTotalBytes - s.MemoryAvailableBytes));
        w.WriteEndObject();
        w.WriteStartObject("server_process");
        w.WriteNumber("period_s", Math.Round(period, 4));
        w.WriteString("error", "");
        w.WriteNumber("cpu_percent", Math.Round(v.ProcessCpuPercent, 2));
        w.WriteNumber("threads", s.Process.Threads);
        w.WriteStartArray("gc_collections");
        foreach (var g in v.GcCollections)
        {
            w.WriteNumberValue(g);
        }
        w.WriteEndArray();
        w.WriteNumber("gc_pause_ms", Math.Round(v.GcPauseMs, 3));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Usage(Utf8JsonWriter w, VcpuWindow c)
    {
        w.WriteNumber("user", Math.Round(c.User, 2));
        w.WriteNumber("nice", Math.Round(c.Nice, 2));
        w.WriteNumber("system", Math.Round(c.System, 2));
        w.WriteNumber("idle", Math.Round(c.Idle, 2));
        w.WriteNumber("io_wait", Math.Round(c.IoWait, 2));
        w.WriteNumber("irq", Math.Round(c.Irq, 2));
        w.WriteNumber("soft_irq", Math.Round(c.SoftIrq, 2));
        w.WriteNumber("steal", Math.Round(c.Steal, 2));
    }
}
