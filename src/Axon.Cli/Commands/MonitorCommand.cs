using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Axon.Cli.Monitoring;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon monitor --url http://host:port [--period 1s] [--count N] [--model NAME] [--prometheus PORT] [--pretty]</c>:
/// attaches to a running <c>axon serve</c> and prints one JSON document per period (neuron-monitor's grouping:
/// period, runtime_data with execution stats / memory / core counters, system_data, instance_info). With
/// <c>--prometheus</c> the latest period is also served at <c>http://*:PORT/metrics</c>.
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliIO io)
    {
        var url = new Option<string>("--url") { Description = "address of the running axon serve (HTTP port)", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
        var period = new Option<string>("--period") { Description = "time between reports, e.g. 1s, 500ms", DefaultValueFactory = _ => "1s" };
        var count = new Option<int?>("--count") { Description = "print this many reports, then exit (default: until Ctrl+C)" };
        var model = new Option<string?>("--model") { Description = "report only this model (error if the server has not loaded it)" };
        var prometheus = new Option<int?>("--prometheus") { Description = "also serve the latest report as Prometheus metrics on this port (/metrics)" };
        var pretty = new Option<bool>("--pretty") { Description = "indent each JSON document (default: one document per line)" };
        var cmd = new Command("monitor", "Attach to a running axon serve and print one JSON report per period (rates, latency p0-p100, errors, queue, batches, memory, cores).\n" +
            "Example: axon monitor --url http://127.0.0.1:8000 --period 1s --count 10 --prometheus 9400")
        {
            url, period, count, model, prometheus, pretty,
        };
        cmd.SetAction(p => Run(io, StatsClient.ParseUrl(p.GetValue(url)), MonitorOptions.Period(p.GetValue(period)), MonitorOptions.Count(p.GetValue(count)),
            p.GetValue(model), Port(p.GetValue(prometheus)), p.GetValue(pretty)));
        return cmd;
    }

    private static int? Port(int? port) => port switch
    {
        null => null,
        >= 1 and <= 65535 => port,
        _ => throw new UsageException($"--prometheus must be a port in 1..65535, got {port}"),
    };

    private static int Run(CliIO io, Uri url, TimeSpan period, int count, string? model, int? prometheus, bool pretty)
    {
        using var client = new StatsClient(url, TimeSpan.FromSeconds(Math.Max(5, period.TotalSeconds * 2)));
        using var ctrlC = new MonitorOptions.CtrlC();
        var prev = client.Fetch(period, model);
        using var exporter = prometheus is { } port ? new PrometheusExporter(port) : null;
        if (exporter is not null)
        {
            io.Err.WriteLine($"axon monitor: Prometheus metrics at http://127.0.0.1:{exporter.Port}/metrics");
        }
        var clock = Stopwatch.StartNew();
        var options = new JsonWriterOptions { Indented = pretty };
        for (long seq = 1; count == 0 || seq <= count; seq++)
        {
            var due = period * seq - clock.Elapsed;
            if (due > TimeSpan.Zero && ctrlC.Token.WaitHandle.WaitOne(due))
            {
                break;
            }
            StatsSample cur;
            try
            {
                cur = client.Fetch(period, model, ctrlC.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (AxonException e) when (e.Code is "AXM001" or "AXM002")
            {
                // The server went away mid-run: report it in the period's document and keep trying, as a daemon should.
                io.Out.WriteLine(JsonSerializer.Serialize(new
                {
                    period = new { sequence = seq, end = DateTimeOffset.UtcNow.ToString("O") },
                    runtime_data = new[] { new { url = url.ToString(), error = $"[{e.Code}] {e.Message}" } },
                }));
                io.Out.Flush();
                exporter?.PublishDown();
                continue;
            }
            var view = WindowView.Between(prev, cur, seq);
            prev = cur;
            using (var stream = new MemoryStream())
            {
                using (var w = new Utf8JsonWriter(stream, options))
                {
                    MonitorJson.Write(w, view, url);
                }
                io.Out.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            }
            io.Out.Flush();
            exporter?.Publish(view, up: true);
        }
        return CliHost.Ok;
    }
}
