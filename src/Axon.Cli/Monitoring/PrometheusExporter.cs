using System.Globalization;
using System.Net;
using System.Text;

namespace Axon.Cli.Monitoring;

/// <summary>
/// <c>axon monitor --prometheus PORT</c>: serves the latest period at <c>http://*:PORT/metrics</c> in the Prometheus
/// text format (gauges of the period, as neuron-monitor's exporter does, plus cumulative request counters).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private volatile string _text = "# no period measured yet\n";

    public PrometheusExporter(int port)
    {
        Port = port;
        _listener.Prefixes.Add($"http://*:{port}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new AxonException($"--prometheus {port}: cannot listen on that port ({e.Message})", "AXM004");
        }
        _loop = Task.Run(Serve);
    }

    public int Port { get; }

    public void Publish(WindowView v, bool up) => _text = Render(v, up);

    public void PublishDown() => _text = "# HELP axon_monitor_up 1 when the last stats request to axon serve succeeded\n# TYPE axon_monitor_up gauge\naxon_monitor_up 0\n";

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                bool metrics = ctx.Request.Url?.AbsolutePath is "/metrics" or "/";
                var body = Encoding.UTF8.GetBytes(metrics ? _text : "only /metrics is served here\n");
                ctx.Response.StatusCode = metrics ? 200 : 404;
                ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The scraper went away mid-answer.
            }
        }
    }

    internal static string Render(WindowView v, bool up)
    {
        var sb = new StringBuilder();
        Gauge(sb, "axon_monitor_up", "1 when the last stats request to axon serve succeeded", [("", up ? 1 : 0)]);
        Gauge(sb, "axon_monitor_period_seconds", "Length of the last monitoring period", [("", v.PeriodSeconds)]);
        var ms = v.Models;
        Gauge(sb, "axon_monitor_model_request_rate", "Successful requests per second over the period", ms.Select(m => (L(m), m.RequestRate)));
        Gauge(sb, "axon_monitor_model_inference_rate", "Inferences (rows) per second over the period", ms.Select(m => (L(m), m.InferenceRate)));
        Gauge(sb, "axon_monitor_model_execution_rate", "Model executions (batches) per second over the period", ms.Select(m => (L(m), m.ExecutionRate)));
        sb.Append("# HELP axon_monitor_model_requests_total Successful requests since the server started\n# TYPE axon_monitor_model_requests_total counter\n");
        foreach (var m in ms)
        {
            sb.Append(CultureInfo.InvariantCulture, $"axon_monitor_model_requests_total{{{L(m)}}} {m.Now.Success}\n");
        }
        Gauge(sb, "axon_monitor_model_latency_ms", "Request latency percentiles over the period (quantile 0 = min, 1 = max)",
            ms.SelectMany(m => MonitorJson.PercentileNames.Select(p =>
                ($"{L(m)},quantile=\"{double.Parse(p[1..], CultureInfo.InvariantCulture) / 100:0.##}\"", m.Now.LatencyMs.GetValueOrDefault(p)))));
        Gauge(sb, "axon_monitor_model_errors", "Failed requests over the period by class", ms.SelectMany(m => new (string, double)[]
        {
            ($"{L(m)},class=\"client\"", m.Errors.Client), ($"{L(m)},class=\"timeout\"", m.Errors.Timeout),
            ($"{L(m)},class=\"queue_full\"", m.Errors.QueueFull), ($"{L(m)},class=\"cancelled\"", m.Errors.Cancelled),
            ($"{L(m)},class=\"unloaded\"", m.Errors.Unloaded), ($"{L(m)},class=\"internal\"", m.Errors.Internal),
        }));
        Gauge(sb, "axon_monitor_model_queue_depth", "Requests waiting in the batcher's queue", ms.Select(m => (L(m), (double)m.Now.QueueDepth)));
        Gauge(sb, "axon_monitor_model_batch_size_mean", "Mean rows per execution over the period", ms.Select(m => (L(m), m.BatchMean)));
        Gauge(sb, "axon_monitor_model_memory_bytes", "Model memory by kind", ms.SelectMany(m => new (string, double)[]
        {
            ($"{L(m)},kind=\"weights\"", m.Now.WeightBytes), ($"{L(m)},kind=\"arena\"", m.Now.ArenaBytes),
        }));
        Gauge(sb, "axon_monitor_core_utilization_percent", "Percent of the period each logical core ran models",
            v.Cores.Select(c => ($"core=\"{c.Id}\"", c.UtilizationPercent)));
        Gauge(sb, "axon_monitor_vcpu_usage_percent", "Host vCPU time by mode over the period",
            v.Vcpus.SelectMany(c => new (string, double)[]
            {
                ($"vcpu=\"{c.Id}\",mode=\"user\"", c.User), ($"vcpu=\"{c.Id}\",mode=\"system\"", c.System),
                ($"vcpu=\"{c.Id}\",mode=\"idle\"", c.Idle), ($"vcpu=\"{c.Id}\",mode=\"iowait\"", c.IoWait),
            }));
        var p = v.Now.Process;
        Gauge(sb, "axon_monitor_process_memory_bytes", "Server process memory by kind", new (string, double)[]
        {
            ("kind=\"working_set\"", p.WorkingSet), ("kind=\"private\"", p.Private), ("kind=\"gc_heap\"", p.ManagedHeap), ("kind=\"gc_committed\"", p.GcCommitted),
        });
        Gauge(sb, "axon_monitor_process_cpu_percent", "Server process CPU over the period (100 = one vCPU)", [("", v.ProcessCpuPercent)]);
        return sb.ToString();
    }

    private static string L(ModelWindow m) => $"model=\"{Escape(m.Now.Name)}\",version=\"{Escape(m.Now.Version)}\"";

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static void Gauge(StringBuilder sb, string name, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n");
        foreach (var (labels, value) in samples)
        {
            sb.Append(name);
            if (labels.Length > 0)
            {
                sb.Append('{').Append(labels).Append('}');
            }
            sb.Append(' ').Append(value.ToString("G6", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    public void Dispose()
    {
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
        }
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }
    }
}
