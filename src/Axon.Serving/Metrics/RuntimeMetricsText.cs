using System.Globalization;
using System.Text;
using Axon.Runtime;
using Axon.Serving.Repository;

namespace Axon.Serving.Metrics;

/// <summary>
/// The runtime's own measurements in Prometheus text: per model the request outcomes, request/queue/compute time
/// histograms and batch sizes the batcher formed (from <see cref="ModelMetrics"/>), queue depth, in-flight and memory;
/// per core the busy fraction and accounted memory. Written after the registry's metrics at <c>/metrics</c>.
/// </summary>
internal static class RuntimeMetricsText
{
    public static string Render(IReadOnlyList<IServedModel> models, DateTime since)
    {
        var runtime = models.OfType<RuntimeModel>().ToList();
        var sb = new StringBuilder();
        Counter(sb, "axon_model_request_success_total", "Requests the runtime answered with outputs", runtime, m => m.RequestsOk);
        Counter(sb, "axon_model_request_failure_total", "Requests that failed inside the runtime (queue full, timeout, cancelled, error)", runtime, m => m.RequestsFailed);
        Counter(sb, "axon_model_request_rejected_total", "Requests rejected because the queue was full", runtime, m => m.RequestsRejected);
        Counter(sb, "axon_model_executions_total", "Model executions (one per batch)", runtime, m => m.Batches);
        Counter(sb, "axon_model_inferences_total", "Rows computed, padding excluded", runtime, m => m.Rows);
        Gauge(sb, "axon_model_queue_depth", "Requests waiting in the batcher's queue", runtime, m => m.Metrics.QueueDepth);
        Gauge(sb, "axon_model_in_flight_requests", "Requests accepted by the runtime and not yet answered", runtime, m => m.Metrics.InFlight);
        Gauge(sb, "axon_model_memory_bytes", "Bytes the model accounts (weights plus one arena per replica)", runtime, m => m.MemoryBytes);
        Histogram(sb, "axon_model_request_duration_seconds", "End-to-end time in the runtime, queueing included", runtime, m => m.RequestMs.Snapshot(), 1e-3);
        Histogram(sb, "axon_model_queue_duration_seconds", "Time requests waited in the queue before their batch started", runtime, m => m.QueueMs.Snapshot(), 1e-3);
        Histogram(sb, "axon_model_compute_duration_seconds", "Time of each model execution", runtime, m => m.ComputeMs.Snapshot(), 1e-3);
        Histogram(sb, "axon_model_batch_size", "Rows per execution as the batcher formed them", runtime, m => m.BatchSize.Snapshot(), 1);

        var cores = runtime.SelectMany(m => m.Handle.Cores).GroupBy(c => c.Id).OrderBy(g => g.Key).ToList();
        double wall = Math.Max(1e-9, (DateTime.UtcNow - since).TotalSeconds);
        sb.Append("# HELP axon_core_utilization Fraction of wall time each logical core spent running models since the server started\n");
        sb.Append("# TYPE axon_core_utilization gauge\n");
        foreach (var g in cores)
        {
            double busy = g.Sum(c => c.BusyTime.TotalSeconds);
            sb.Append(CultureInfo.InvariantCulture, $"axon_core_utilization{{core=\"{g.Key}\"}} {Math.Min(1, busy / wall):G6}\n");
        }
        sb.Append("# HELP axon_core_memory_bytes Bytes of model memory accounted to each logical core\n");
        sb.Append("# TYPE axon_core_memory_bytes gauge\n");
        foreach (var g in cores)
        {
            sb.Append(CultureInfo.InvariantCulture, $"axon_core_memory_bytes{{core=\"{g.Key}\"}} {g.Sum(c => c.MemoryBytes)}\n");
        }
        return sb.ToString();
    }

    private static string Labels(RuntimeModel m) => $"model=\"{m.Name}\",version=\"{m.Version}\"";

    private static void Counter(StringBuilder sb, string name, string help, List<RuntimeModel> models, Func<ModelMetrics, long> value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
        foreach (var m in models)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{{Labels(m)}}} {value(m.Handle.Metrics)}\n");
        }
    }

    private static void Gauge(StringBuilder sb, string name, string help, List<RuntimeModel> models, Func<ModelHandle, long> value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        foreach (var m in models)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}{{{Labels(m)}}} {value(m.Handle)}\n");
        }
    }

    private static void Histogram(StringBuilder sb, string name, string help, List<RuntimeModel> models, Func<ModelMetrics, HistogramSnapshot> snap, double scale)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" histogram\n");
        foreach (var m in models)
        {
            var s = snap(m.Handle.Metrics);
            string l = Labels(m);
            long cumulative = 0;
            for (int i = 0; i < s.Bounds.Count; i++)
            {
                cumulative += s.Counts[i];
                sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{l},le=\"{s.Bounds[i] * scale:G6}\"}} {cumulative}\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{{l},le=\"+Inf\"}} {s.Count}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_sum{{{l}}} {s.Sum * scale:G9}\n");
            sb.Append(CultureInfo.InvariantCulture, $"{name}_count{{{l}}} {s.Count}\n");
        }
    }
}
