using System.Net;
using System.Net.Http.Headers;
using Axon.Serving.Protocol;
using Axon.Serving.Repository;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Repository;

/// <summary>config.yaml, name checks, symbolic links, control modes and the admin-only repository API.</summary>
public sealed class RepositoryTests
{
    [Theory]
    [InlineData("max_batch_size: -1", "max_batch_size")]
    [InlineData("max_batch_size: 4\ndynamic_batching: { preferred_batch_size: [8] }", "preferred_batch_size 8")]
    [InlineData("dynamic_batching: { max_queue_delay_microseconds: 5 }", "needs max_batch_size")]
    [InlineData("instance: { cores: 2, replicas: 2 }", "either cores or replicas")]
    [InlineData("precision: int3", "precision")]
    [InlineData("max_batch_sise: 4", "line 1")]
    [InlineData("inputs: [ { name: a, datatype: FP99 } ]", "FP99")]
    [InlineData("inputs: [ { name: a }, { name: a } ]", "twice")]
    [InlineData("max_batch_size: [1, 2]", "line 1")]
    public void BadConfigsNameTheProblem(string yaml, string expected)
    {
        var e = Assert.Throws<ServingException>(() => ModelConfig.Parse(yaml, "m/config.yaml"));
        Assert.Equal(ServingCodes.BadConfig, e.Code);
        Assert.Contains("m/config.yaml", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FullConfigParses()
    {
        var c = ModelConfig.Parse("""
            max_batch_size: 16
            dynamic_batching:
              preferred_batch_size: [4, 8]
              max_queue_delay_microseconds: 300
              max_queue_size: 100
            instance: { replicas: 2 }
            precision: BF16
            outputs:
              - name: y
                shape: [-1, 3]
            """, "c");
        Assert.Equal(16, c.MaxBatchSize);
        Assert.Equal([4, 8], c.DynamicBatching!.PreferredBatchSize!);
        Assert.Equal(300, c.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(100, c.DynamicBatching.MaxQueueSize);
        Assert.Equal(2, c.Instance!.Replicas);
        Assert.Equal("bf16", c.Precision);
        Assert.Equal([-1L, 3], c.Outputs![0].Shape!);
        Assert.Equal(0, ModelConfig.Parse("", "empty").MaxBatchSize);
    }

    [Theory]
    [InlineData("resnet50", true)]
    [InlineData("my-model.v2", true)]
    [InlineData("_x", true)]
    [InlineData("..", false)]
    [InlineData(".", false)]
    [InlineData("a..b", false)]
    [InlineData(".hidden", false)]
    [InlineData("-x", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData("mödel", false)]
    public void ModelNames(string name, bool valid) => Assert.Equal(valid, RepositoryPaths.IsValidName(name));

    [Theory]
    [InlineData("1", true)]
    [InlineData("42", true)]
    [InlineData("0", false)]
    [InlineData("-1", false)]
    [InlineData("1.0", false)]
    [InlineData("..", false)]
    [InlineData("9999999999999999999", false)]
    public void Versions(string v, bool valid) => Assert.Equal(valid, RepositoryPaths.IsValidVersion(v));

    [Fact]
    public async Task SymbolicLinksOutOfTheRepositoryAreNotFollowed()
    {
        string outside = Path.Combine(Path.GetTempPath(), "axon-outside-" + Guid.NewGuid().ToString("N"));
        string root = Path.Combine(Path.GetTempPath(), "axon-repo-" + Guid.NewGuid().ToString("N"));
        try
        {
            DefaultRepository.Write(outside);
            Directory.CreateDirectory(root);
            Directory.CreateSymbolicLink(Path.Combine(root, "escaped"), Path.Combine(outside, DefaultRepository.ModelName));
            Directory.CreateDirectory(Path.Combine(root, "filelink", "1"));
            File.CreateSymbolicLink(Path.Combine(root, "filelink", "1", "model.onnx"), Path.Combine(outside, DefaultRepository.ModelName, "1", "model.onnx"));
            using var repo = new ModelRepository(root);
            Assert.Equal(["filelink"], repo.ModelNamesOnDisk());
            var e = await Assert.ThrowsAsync<ServingException>(() => repo.LoadAsync("escaped"));
            Assert.Equal(404, e.Status);
            var f = await Assert.ThrowsAsync<ServingException>(() => repo.LoadAsync("filelink"));
            Assert.Contains("outside the repository", f.Message);
        }
        finally
        {
            Directory.Delete(outside, true);
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public async Task ExplicitModeLoadsOnRequestAndUnloadWaitsForRunningRequests()
    {
        await using var s = await TestServer.StartAsync(adminToken: "tok", mode: ModelControlMode.Explicit, slowDelay: TimeSpan.FromMilliseconds(400), fashion: false);
        var http = s.Http;
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v2/models/echo")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/health/ready")).StatusCode);

        var noToken = await http.PostAsync("/v2/repository/models/echo/load", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        var req = new HttpRequestMessage(HttpMethod.Post, "/v2/repository/models/slow_echo/load");
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(req)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Admin(http, "/v2/repository/models/slow_echo/load")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/slow_echo/ready")).StatusCode);
        var index = await TestServer.ReadJson(await Admin(http, "/v2/repository/index", "{}"));
        var rows = index.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal("READY", rows["slow_echo"].GetProperty("state").GetString());
        Assert.Equal("1", rows["slow_echo"].GetProperty("version").GetString());
        Assert.Equal("UNAVAILABLE", rows["echo"].GetProperty("state").GetString());
        Assert.Equal("unloaded", rows["echo"].GetProperty("reason").GetString());
        Assert.False(rows["echo"].TryGetProperty("version", out _));

        // A request in flight keeps its model version alive through an unload.
        var running = http.PostAsync("/v2/models/slow_echo/infer", TestServer.Json(EchoRequest()));
        var model = s.Echoes["slow_echo"];
        while (model.Running == 0 && !running.IsCompleted)
        {
            await Task.Delay(5);
        }
        Assert.Equal(HttpStatusCode.OK, (await Admin(http, "/v2/repository/models/slow_echo/unload")).StatusCode);
        Assert.False(model.Disposed);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.PostAsync("/v2/models/slow_echo/infer", TestServer.Json(EchoRequest()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await running).StatusCode);
        // The client can read the whole response before the handler's lease ends, so the retired version is
        // disposed a moment after the response arrives, not before it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!model.Disposed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
        Assert.True(model.Disposed);

        Assert.Equal(HttpStatusCode.NotFound, (await Admin(http, "/v2/repository/models/nope/load")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin(http, "/v2/repository/models/..%2F..%2Fetc/load")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin(http, "/v2/repository/models/echo/load", """{"parameters":{"file:1/model.onnx":"AAAA"}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin(http, "/v2/repository/index", "{\"ready\": 3}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin(http, "/v2/repository/index", "not json")).StatusCode);
    }

    [Fact]
    public async Task RepositoryApiIsDisabledWithoutATokenAndApiKeyGuardsInference()
    {
        await using var s = await TestServer.StartAsync(apiKey: "key-1", fashion: false);
        var http = s.Http;
        Assert.Equal(HttpStatusCode.Forbidden, (await Admin(http, "/v2/repository/index", "{}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v2/models/echo")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/v2/models/echo/infer", TestServer.Json(EchoRequest()))).StatusCode);
        var ok = new HttpRequestMessage(HttpMethod.Post, "/v2/models/echo/infer") { Content = TestServer.Json(EchoRequest()) };
        ok.Headers.Add("X-API-Key", "key-1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(ok)).StatusCode);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/v2/models/echo");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "key-1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task BodiesOverTheLimitGet413()
    {
        await using var s = await TestServer.StartAsync(maxRequestBytes: 4096, fashion: false);
        var r = await s.Http.PostAsync("/v2/models/echo/infer", new ByteArrayContent(new byte[10_000]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("limit", (await TestServer.ReadJson(r)).GetProperty("error").GetString());
    }

    internal static string EchoRequest() =>
        "{\"inputs\":[" + string.Join(",", EchoModel.AllTypes.Select(t =>
            $$"""{"name":"x_{{EchoModel.Suffix(t)}}","shape":[0],"datatype":"{{Datatypes.Name(t)}}","data":[]}""")) + "]}";

    private static Task<HttpResponseMessage> Admin(HttpClient http, string url, string? body = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : TestServer.Json(body) };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "tok");
        return http.SendAsync(req);
    }
}
