using System.Net;
using System.Text.Json;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Http;

/// <summary>Health, server metadata, model metadata and model ready over HTTP, checked against the protocol's field names and codes.</summary>
[Collection("server")]
public sealed class HealthAndMetadataTests(ServerFixture f)
{
    private HttpClient Http => f.S.Http;

    [Fact]
    public async Task LiveIs200WithLiveTrue()
    {
        var r = await Http.GetAsync("/v2/health/live");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.True((await TestServer.ReadJson(r)).GetProperty("live").GetBoolean());
    }

    [Fact]
    public async Task ReadyIs400WhileAModelFailedToLoad()
    {
        // The fixture's repository holds a broken model: like Triton, the server is live but not ready.
        var r = await Http.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        Assert.False(body.GetProperty("ready").GetBoolean());
        Assert.False(body.TryGetProperty("live", out _));
    }

    [Fact]
    public async Task ServerMetadataNamesExtensions()
    {
        var body = await TestServer.ReadJson(await Http.GetAsync("/v2"));
        Assert.Equal("axon", body.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        var ext = body.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("binary_tensor_data", ext);
        Assert.Contains("model_repository", ext);
    }

    [Theory]
    [InlineData("/v2/models/fashion_mnist")]
    [InlineData("/v2/models/fashion_mnist/versions/1")]
    public async Task ModelMetadataDescribesTheSignature(string url)
    {
        var r = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        Assert.Equal("fashion_mnist", body.GetProperty("name").GetString());
        Assert.Equal(["1"], body.GetProperty("versions").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("onnx_onnxv1", body.GetProperty("platform").GetString());
        var input = body.GetProperty("inputs")[0];
        Assert.Equal("input", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 1, 28, 28], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var output = body.GetProperty("outputs")[0];
        Assert.Equal("logits", output.GetProperty("name").GetString());
        Assert.Equal("FP32", output.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 10], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Theory]
    [InlineData("/v2/models/fashion_mnist/ready", HttpStatusCode.OK)]
    [InlineData("/v2/models/fashion_mnist/versions/1/ready", HttpStatusCode.OK)]
    [InlineData("/v2/models/fashion_mnist/versions/2/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/broken/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/nope/ready", HttpStatusCode.BadRequest)]
    [InlineData("/v2/models/..%2F..%2Fetc/ready", HttpStatusCode.BadRequest)]
    public async Task ModelReadyAnswersByStatus(string url, HttpStatusCode expected)
    {
        var r = await Http.GetAsync(url);
        Assert.Equal(expected, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        if (expected == HttpStatusCode.OK)
        {
            Assert.True(body.GetProperty("ready").GetBoolean());
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }
    }

    [Theory]
    [InlineData("/v2/models/nope", HttpStatusCode.NotFound, "AXS021")]
    [InlineData("/v2/models/fashion_mnist/versions/7", HttpStatusCode.NotFound, "AXS022")]
    [InlineData("/v2/models/fashion_mnist/versions/x1", HttpStatusCode.BadRequest, "AXS020")]
    [InlineData("/v2/models/.hidden", HttpStatusCode.BadRequest, "AXS020")]
    [InlineData("/v2/models/broken", HttpStatusCode.ServiceUnavailable, "AXS023")]
    [InlineData("/v2/nothing/here", HttpStatusCode.NotFound, "AXS043")]
    public async Task MetadataErrorsAreJsonWithACode(string url, HttpStatusCode status, string code)
    {
        var r = await Http.GetAsync(url);
        Assert.Equal(status, r.StatusCode);
        Assert.Equal(code, r.Headers.GetValues("X-Axon-Error-Code").Single());
        var body = await TestServer.ReadJson(r);
        Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task MetricsArePrometheusText()
    {
        var infer = await Http.PostAsync("/v2/models/echo/infer", TestServer.Json("""{"inputs":[{"name":"x_fp32","shape":[1],"datatype":"FP32","data":[1]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, infer.StatusCode); // the echo model needs every input: counted as a client failure
        var r = await Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        string text = await r.Content.ReadAsStringAsync();
        Assert.Contains("axon_inference_request_failure_total{model=\"echo\",version=\"1\",reason=\"client\"}", text);
        Assert.Contains("# TYPE axon_inference_request_duration_seconds histogram", text);
        Assert.Contains("axon_inference_in_flight_requests", text);
        Assert.Contains("axon_process_memory_bytes{kind=\"working_set\"}", text);
        // The runtime's own per-model and per-core measurements.
        var fashion = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Binary(
            """{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":3136}}]}""", new byte[3136]));
        Assert.Equal(HttpStatusCode.OK, fashion.StatusCode);
        text = await (await Http.GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Matches("axon_model_request_success_total\\{model=\"fashion_mnist\",version=\"1\"\\} [1-9]", text);
        Assert.Contains("axon_model_queue_duration_seconds_bucket{model=\"fashion_mnist\",version=\"1\",le=\"+Inf\"}", text);
        Assert.Contains("axon_model_compute_duration_seconds_count{model=\"fashion_mnist\",version=\"1\"}", text);
        Assert.Contains("axon_model_batch_size_bucket{model=\"fashion_mnist\",version=\"1\",le=\"1\"}", text);
        Assert.Contains("axon_core_utilization{core=\"0\"}", text);
        Assert.Contains("axon_model_memory_bytes{model=\"fashion_mnist\",version=\"1\"}", text);
    }
}
