using System.Text.Json;
using Axon.Serving.Repository;

namespace Axon.Serving.Metrics;

/// <summary>A KServe <c>$duration_stat</c>: how many times, and their cumulative nanoseconds.</summary>
internal readonly record struct StatDuration(long Count, long Ns)
{
    public static StatDuration FromMs(long count, double sumMs) => new(count, (long)Math.Round(sumMs * 1e6));
}

/// <summary>
/// One model version's entry of the KServe statistics extension (<c>$model_stat</c>), read once from the runtime's
/// counters so that <c>GET /v2/models/{name}/stats</c> and the gRPC <c>ModelStatistics</c> RPC report the same numbers.
/// Models that do not run on the runtime (test doubles) report zeros.
/// </summary>
internal sealed record KServeModelStats(
    string Name,
    string Version,
    long LastInferenceUnixMs,
    long InferenceCount,
    long ExecutionCount,
    StatDuration Success,
    StatDuration Fail,
    StatDuration Queue,
    StatDuration ComputeInfer,
    IReadOnlyList<(int BatchSize, StatDuration ComputeInfer)> Batches,
    long MemoryBytes)
{
    /// <summary>Axon decodes inputs and encodes outputs in the protocol layer, outside the model: these stay zero.</summary>
    public static readonly StatDuration None = new(0, 0);

    public static KServeModelStats Of(IServedModel m)
    {
        if (m is not RuntimeModel rm)
        {
            return new(m.Name, m.Version, 0, 0, 0, None, None, None, None, [], 0);
        }
        var h = rm.Handle;
        var s = h.Metrics;
        var req = s.RequestMs.Snapshot();
        var queue = s.QueueMs.Snapshot();
        var compute = s.ComputeMs.Snapshot();
        var batches = s.ByBatchSize.Snapshot().Select(b => (b.BatchSize, StatDuration.FromMs(b.Count, b.ComputeMs))).ToList();
        return new(m.Name, m.Version, s.LastRequestUnixMs, s.Rows, s.Batches,
            StatDuration.FromMs(req.Count, req.Sum),
            new StatDuration(s.RequestsFailed, 0),
            StatDuration.FromMs(queue.Count, queue.Sum),
            StatDuration.FromMs(compute.Count, compute.Sum),
            batches,
            h.MemoryBytes);
    }

    /// <summary>The HTTP body, <c>$stats_model_response</c>.</summary>
    public static void WriteJson(Utf8JsonWriter w, IReadOnlyList<IServedModel> models)
    {
        w.WriteStartObject();
        w.WriteStartArray("model_stats");
        foreach (var m in models)
        {
            Of(m).WriteJson(w);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteJson(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteString("version", Version);
        w.WriteNumber("last_inference", LastInferenceUnixMs);
        w.WriteNumber("inference_count", InferenceCount);
        w.WriteNumber("execution_count", ExecutionCount);
        w.WriteStartObject("inference_stats");
        Write(w, "success", Success);
        Write(w, "fail", Fail);
        Write(w, "queue", Queue);
        Write(w, "compute_input", None);
        Write(w, "compute_infer", ComputeInfer);
        Write(w, "compute_output", None);
        Write(w, "cache_hit", None);
        Write(w, "cache_miss", None);
        w.WriteEndObject();
        w.WriteStartObject("response_stats");
        w.WriteEndObject();
        w.WriteStartArray("batch_stats");
        foreach (var (size, infer) in Batches)
        {
            w.WriteStartObject();
            w.WriteNumber("batch_size", size);
            Write(w, "compute_input", None);
            Write(w, "compute_infer", infer);
            Write(w, "compute_output", None);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("memory_usage");
        if (MemoryBytes > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "CPU");
            w.WriteNumber("id", 0);
            w.WriteNumber("byte_size", MemoryBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter w, string name, StatDuration d)
    {
        w.WriteStartObject(name);
        w.WriteNumber("count", d.Count);
        w.WriteNumber("ns", d.Ns);
        w.WriteEndObject();
    }
}
