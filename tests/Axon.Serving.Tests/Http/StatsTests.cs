using System.Net;
using System.Text.Json;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Http;

/// <summary>GET /v2/axon/stats (what axon monitor and axon top read) and the KServe statistics extension, on a server of their own.</summary>
public sealed class StatsTests : IAsyncLifetime
{
    private TestServer _s = null!;

    public async Task InitializeAsync() => _s = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private async Task Infer(int batch, int seed)
    {
        string json = JsonSerializer.Serialize(new { inputs = new[] { new { name = "input", shape = new[] { batch, 1, 28, 28 }, datatype = "FP32", data = TestServer.Image(batch, seed) } } });
        var r = await _s.Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Json(json));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task StatsCountWhatTheServerDid()
    {
        for (int i = 0; i < 6; i++)
        {
            await Infer(i % 2 == 0 ? 1 : 3, i);
        }
        // One client error (wrong shape) the HTTP layer refuses before the runtime sees it.
        var bad = await _s.Http.PostAsync("/v2/models/fashion_mnist/infer",
            TestServer.Json("""{"inputs":[{"name":"input","shape":[1,1,28],"datatype":"FP32","data":[1,2,3]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        var r = await _s.Http.GetAsync("/v2/axon/stats?window=5m");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        Assert.Equal(1, body.GetProperty("schema_version").GetInt32());
        Assert.Equal("axon", body.GetProperty("server").GetProperty("name").GetString());
        Assert.Equal(Environment.ProcessId, body.GetProperty("server").GetProperty("pid").GetInt32());
        Assert.Equal(300, body.GetProperty("window_s").GetDouble());
        Assert.Equal(Environment.ProcessorCount, body.GetProperty("system").GetProperty("logical_processors").GetInt32());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(Environment.ProcessorCount, body.GetProperty("system").GetProperty("vcpus").GetArrayLength());
        }
        Assert.True(body.GetProperty("process").GetProperty("memory_bytes").GetProperty("working_set").GetInt64() > 0);

        var models = body.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.False(models[TestServer.Echo].GetProperty("runtime").GetBoolean());
        var m = models[TestServer.Fashion];
        Assert.True(m.GetProperty("runtime").GetBoolean());
        Assert.Equal(6, m.GetProperty("requests").GetProperty("success").GetInt64());
        Assert.Equal(0, m.GetProperty("requests").GetProperty("failure").GetInt64());
        Assert.Equal(3 * 1 + 3 * 3, m.GetProperty("inferences").GetInt64());
        Assert.Equal(1, m.GetProperty("http_errors").GetProperty("client").GetInt64());
        Assert.Equal(0, m.GetProperty("errors").GetProperty("internal").GetInt64());
        Assert.Equal(0, m.GetProperty("queue_depth").GetInt32());
        var lat = m.GetProperty("latency_ms");
        Assert.Equal(6, lat.GetProperty("window_count").GetInt32());
        var p = new[] { "p0", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "p100" }.Select(k => lat.GetProperty(k).GetDouble()).ToArray();
        Assert.True(p[0] > 0, "p0 must be a real latency");
        Assert.Equal(p.Order(), p); // percentiles never decrease
        long executions = m.GetProperty("executions").GetInt64();
        var batch = m.GetProperty("batch_size");
        Assert.Equal(executions, batch.GetProperty("counts").EnumerateArray().Sum(c => c.GetInt64()));
        Assert.Equal(12, batch.GetProperty("sum").GetDouble());
        var mem = m.GetProperty("memory_bytes");
        Assert.True(mem.GetProperty("weights").GetInt64() > 1000, $"weights {mem.GetProperty("weights").GetInt64()} bytes");
        Assert.Equal(mem.GetProperty("total").GetInt64(), mem.GetProperty("weights").GetInt64() + mem.GetProperty("arena").GetInt64());
        var cores = body.GetProperty("cores").EnumerateArray().ToList();
        Assert.NotEmpty(cores);
        Assert.All(cores, c => Assert.True(c.GetProperty("runs").GetInt64() >= executions && c.GetProperty("busy_seconds").GetDouble() > 0));
        Assert.All(cores, c => Assert.Contains("fashion_mnist:1", c.GetProperty("models").EnumerateArray().Select(x => x.GetString())));
    }

    [Fact]
    public async Task OneModelCanBeAskedForAndAnUnknownOneIsNamed()
    {
        var one = await TestServer.ReadJson(await _s.Http.GetAsync("/v2/axon/stats?model=fashion_mnist"));
        Assert.Equal(["fashion_mnist"], one.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        var r = await _s.Http.GetAsync("/v2/axon/stats?model=nope");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("AXS021", r.Headers.GetValues("X-Axon-Error-Code").Single());
        string error = (await TestServer.ReadJson(r)).GetProperty("error").GetString()!;
        Assert.Contains("'nope'", error);
        Assert.Contains("fashion_mnist", error);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("2h")]
    [InlineData("-1s")]
    public async Task ABadWindowIs400(string window)
    {
        var r = await _s.Http.GetAsync($"/v2/axon/stats?window={window}");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("AXS050", r.Headers.GetValues("X-Axon-Error-Code").Single());
    }

    [Fact]
    public async Task TheKServeStatisticsExtensionAnswers()
    {
        await Infer(2, 1);
        await Infer(1, 2);
        var meta = await TestServer.ReadJson(await _s.Http.GetAsync("/v2"));
        Assert.Contains("statistics", meta.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        foreach (var url in new[] { "/v2/models/fashion_mnist/stats", "/v2/models/fashion_mnist/versions/1/stats" })
        {
            var body = await TestServer.ReadJson(await _s.Http.GetAsync(url));
            var s = Assert.Single(body.GetProperty("model_stats").EnumerateArray());
            Assert.Equal("fashion_mnist", s.GetProperty("name").GetString());
            Assert.Equal("1", s.GetProperty("version").GetString());
            Assert.Equal(3, s.GetProperty("inference_count").GetInt64());
            var success = s.GetProperty("inference_stats").GetProperty("success");
            Assert.Equal(2, success.GetProperty("count").GetInt64());
            Assert.True(success.GetProperty("ns").GetInt64() > 0);
            Assert.True(s.GetProperty("last_inference").GetInt64() > 1_700_000_000_000);
        }
        var all = await TestServer.ReadJson(await _s.Http.GetAsync("/v2/models/stats"));
        Assert.Contains("fashion_mnist", all.GetProperty("model_stats").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _s.Http.GetAsync("/v2/models/nope/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _s.Http.GetAsync("/v2/models/fashion_mnist/versions/7/stats")).StatusCode);
    }
}
