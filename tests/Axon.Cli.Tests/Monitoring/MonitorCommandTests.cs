using System.Text.Json;
using Axon.Cli.Monitoring;

namespace Axon.Cli.Tests.Monitoring;

/// <summary><c>axon monitor</c> against a live in-process server: the report's numbers, its grouping, errors and the Prometheus view.</summary>
public sealed class MonitorCommandTests : IAsyncLifetime
{
    private LiveServer _s = null!;

    public async Task InitializeAsync() => _s = await LiveServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task APeriodReportsWhatHappenedInIt()
    {
        using var client = new StatsClient(StatsClient.ParseUrl(_s.Url), TimeSpan.FromSeconds(30));
        await _s.InferAsync(3, seed: 1);
        var before = client.Fetch(TimeSpan.FromMinutes(10), null);
        await _s.InferAsync(7, seed: 2);
        var after = client.Fetch(TimeSpan.FromMinutes(10), null);
        var view = WindowView.Between(before, after, 1);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            MonitorJson.Write(w, view, client.BaseUrl);
        }
        var doc = JsonDocument.Parse(ms.ToArray()).RootElement;

        Assert.Equal(1, doc.GetProperty("period").GetProperty("sequence").GetInt64());
        double period = doc.GetProperty("period").GetProperty("period_s").GetDouble();
        Assert.True(period > 0);
        var runtime = Assert.Single(doc.GetProperty("runtime_data").EnumerateArray());
        Assert.Equal(Environment.ProcessId, runtime.GetProperty("pid").GetInt32());
        Assert.Equal("", runtime.GetProperty("error").GetString());
        var report = runtime.GetProperty("report");
        var m = Assert.Single(report.GetProperty("execution_stats").GetProperty("models").EnumerateArray());
        Assert.Equal("fashion_mnist", m.GetProperty("name").GetString());
        var req = m.GetProperty("requests");
        Assert.Equal(7, req.GetProperty("success").GetInt64());
        Assert.Equal(10, req.GetProperty("total_success").GetInt64());
        Assert.Equal(0, req.GetProperty("failure").GetInt64());
        Assert.InRange(m.GetProperty("request_rate").GetDouble(), 7 / period * 0.99, 7 / period * 1.01); // period_s is rounded
        Assert.Equal(0, m.GetProperty("error_counts").GetProperty("total").GetInt64());
        var lat = m.GetProperty("latency_ms");
        Assert.Equal(10, lat.GetProperty("count").GetInt32()); // the window covers all ten
        var p = MonitorJson.PercentileNames.Select(n => lat.GetProperty(n).GetDouble()).ToArray();
        Assert.True(p[0] > 0);
        Assert.Equal(p.Order(), p);
        var batch = m.GetProperty("batch_size");
        Assert.Equal(64, batch.GetProperty("max").GetInt32());
        Assert.Equal(7, batch.GetProperty("histogram").EnumerateObject().Sum(b => b.Value.GetInt64()) * batch.GetProperty("mean").GetDouble(), 6);
        var memory = report.GetProperty("memory_used");
        Assert.True(memory.GetProperty("runtime_memory").GetProperty("weights_bytes").GetInt64() > 100_000);
        Assert.True(memory.GetProperty("runtime_memory").GetProperty("host_working_set_bytes").GetInt64() > 0);
        var cores = report.GetProperty("core_counters").GetProperty("cores").EnumerateObject().ToList();
        Assert.NotEmpty(cores);
        Assert.All(cores, c => Assert.InRange(c.Value.GetProperty("utilization_percent").GetDouble(), 0, 100));
        Assert.All(cores, c => Assert.True(c.Value.GetProperty("runs").GetInt64() >= 1));
        var system = doc.GetProperty("system_data");
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Environment.ProcessorCount, system.GetProperty("vcpu_usage").GetProperty("usage_data").EnumerateObject().Count());
        }
        Assert.True(system.GetProperty("memory_info").GetProperty("memory_total_bytes").GetInt64() > 0);
        Assert.Equal(Environment.ProcessorCount, doc.GetProperty("instance_info").GetProperty("logical_processors").GetInt32());
    }

    [Fact]
    public async Task TheCommandPrintsOneJsonDocumentPerPeriod()
    {
        await _s.InferAsync(2);
        var (code, stdout, stderr) = CliHarness.Run("monitor", "--url", _s.Url, "--period", "200ms", "--count", "2", "--model", "fashion_mnist");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        for (int i = 0; i < 2; i++)
        {
            var doc = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(i + 1, doc.GetProperty("period").GetProperty("sequence").GetInt64());
            Assert.Equal(["period", "runtime_data", "system_data", "instance_info"], doc.EnumerateObject().Select(p => p.Name));
            var m = Assert.Single(doc.GetProperty("runtime_data")[0].GetProperty("report").GetProperty("execution_stats").GetProperty("models").EnumerateArray());
            Assert.Equal(2, m.GetProperty("requests").GetProperty("total_success").GetInt64());
        }
    }

    [Fact]
    public async Task PrometheusServesTheLatestPeriod()
    {
        using var client = new StatsClient(StatsClient.ParseUrl(_s.Url), TimeSpan.FromSeconds(30));
        var before = client.Fetch(TimeSpan.FromMinutes(1), null);
        await _s.InferAsync(4);
        var view = WindowView.Between(before, client.Fetch(TimeSpan.FromMinutes(1), null), 1);
        int port = LiveServer.FreePort();
        using var exporter = new PrometheusExporter(port);
        exporter.Publish(view, up: true);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        Assert.Contains("axon_monitor_up 1\n", text);
        Assert.Contains("# TYPE axon_monitor_model_request_rate gauge", text);
        Assert.Contains("axon_monitor_model_requests_total{model=\"fashion_mnist\",version=\"1\"} 4\n", text);
        Assert.Contains("axon_monitor_model_latency_ms{model=\"fashion_mnist\",version=\"1\",quantile=\"0.99\"}", text);
        Assert.Contains("axon_monitor_model_errors{model=\"fashion_mnist\",version=\"1\",class=\"queue_full\"} 0\n", text);
        foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
        {
            // name{labels} value: every sample line parses as a number.
            Assert.True(double.TryParse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture, out _), line);
        }
        exporter.PublishDown();
        Assert.Contains("axon_monitor_up 0", await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));
    }

    [Fact]
    public void AnUnknownModelIsNamedWithTheLoadedOnes()
    {
        var (code, stdout, stderr) = CliHarness.Run("monitor", "--url", _s.Url, "--model", "nope", "--count", "1");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("[AXM003]", stderr);
        Assert.Contains("'nope'", stderr);
        Assert.Contains("fashion_mnist", stderr);
    }
}

/// <summary>Errors that need no server.</summary>
public sealed class MonitorErrorTests
{
    [Theory]
    [InlineData("monitor")]
    [InlineData("top")]
    public void AnUnreachableServerExitsOneAndSaysSo(string verb)
    {
        int port = LiveServer.FreePort();
        var (code, stdout, stderr) = CliHarness.Run(verb, "--url", $"http://127.0.0.1:{port}", "--count", "1");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains("[AXM001]", stderr);
        Assert.Contains($"cannot reach axon serve at http://127.0.0.1:{port}/", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("monitor", "--period", "0")]
    [InlineData("monitor", "--period", "fast")]
    [InlineData("monitor", "--count", "0")]
    [InlineData("monitor", "--prometheus", "70000")]
    [InlineData("monitor", "--url", "ftp://host:1")]
    [InlineData("top", "--period", "2h")]
    [InlineData("top", "--url", "http://")]
    public void BadOptionsExitTwo(params string[] args)
    {
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error", stderr);
    }

    [Theory]
    [InlineData("monitor")]
    [InlineData("top")]
    public void HelpHasAnExample(string verb)
    {
        var (code, stdout, _) = CliHarness.Run(verb, "--help");
        Assert.Equal(0, code);
        Assert.Contains($"Example: axon {verb} --url", stdout);
    }
}
