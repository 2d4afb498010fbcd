using System.Buffers.Binary;
using System.Net;
using System.Text;
using System.Text.Json;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Serving.Repository;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Http;

/// <summary>POST .../infer with JSON and with the binary tensor data extension, for the real model and every datatype.</summary>
[Collection("server")]
public sealed class InferTests(ServerFixture f)
{
    private HttpClient Http => f.S.Http;

    internal static float[] Expected(float[] image, int batch)
    {
        using var s = new InferenceSession(OnnxModel.Load(OnnxModel.ToBytes(DefaultRepository.BuildClassifier()), null));
        var y = (Tensor)s.Run(new Dictionary<string, Tensor> { ["input"] = Tensor.FromArray(image, batch, 1, 28, 28) })[0].Value!;
        return y.ToArray<float>();
    }

    /// <summary>
    /// The served logits against the runtime's: equal up to float re-association (the server may run the model with
    /// another thread count or batch grouping, which changes convolution tile boundaries, not the arithmetic).
    /// </summary>
    internal static bool Close(float[] expected, IEnumerable<float> actual)
    {
        var a = actual.ToArray();
        if (a.Length != expected.Length)
        {
            return false;
        }
        for (int i = 0; i < a.Length; i++)
        {
            if (!(Math.Abs(a[i] - expected[i]) <= 1e-5f * Math.Max(1f, Math.Abs(expected[i]))))
            {
                return false;
            }
        }
        return true;
    }

    internal static void AssertClose(float[] expected, IEnumerable<float> actual)
    {
        var a = actual.ToArray();
        Assert.True(Close(expected, a), $"served [{string.Join(", ", a.Take(6))}...] differs from the runtime's [{string.Join(", ", expected.Take(6))}...] by more than 1e-5 relative");
    }

    [Fact]
    public async Task JsonInferenceMatchesTheRuntimeAndEchoesTheId()
    {
        var image = TestServer.Image(2, 11);
        string json = JsonSerializer.Serialize(new
        {
            id = "req-42",
            inputs = new[] { new { name = "input", shape = new[] { 2, 1, 28, 28 }, datatype = "FP32", data = image } },
        });
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Json(json));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        Assert.Equal("fashion_mnist", body.GetProperty("model_name").GetString());
        Assert.Equal("1", body.GetProperty("model_version").GetString());
        Assert.Equal("req-42", body.GetProperty("id").GetString());
        var o = body.GetProperty("outputs")[0];
        Assert.Equal("logits", o.GetProperty("name").GetString());
        Assert.Equal("FP32", o.GetProperty("datatype").GetString());
        Assert.Equal([2L, 10], o.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
        var got = o.GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        AssertClose(Expected(image, 2), got);
    }

    [Fact]
    public async Task NestedDataAndVersionedUrlWork()
    {
        var image = TestServer.Image(1, 3);
        var nested = new[] { new[] { Enumerable.Range(0, 28).Select(r => image.Skip(r * 28).Take(28).ToArray()).ToArray() } };
        string json = JsonSerializer.Serialize(new { inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = nested } } });
        var r = await Http.PostAsync("/v2/models/fashion_mnist/versions/1/infer", TestServer.Json(json));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await TestServer.ReadJson(r);
        Assert.False(body.TryGetProperty("id", out _));
        AssertClose(Expected(image, 1), body.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()));
    }

    [Fact]
    public async Task BinaryInputAndBinaryOutput()
    {
        var image = TestServer.Image(4, 5);
        var bytes = new byte[image.Length * 4];
        Buffer.BlockCopy(image, 0, bytes, 0, bytes.Length);
        string head = $$$"""{"inputs":[{"name":"input","shape":[4,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":{{{bytes.Length}}}}}],"outputs":[{"name":"logits","parameters":{"binary_data":true}}]}""";
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Binary(head, bytes));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        int jsonLength = int.Parse(r.Headers.GetValues("Inference-Header-Content-Length").Single());
        var all = await r.Content.ReadAsByteArrayAsync();
        var header = JsonDocument.Parse(all.AsMemory(0, jsonLength)).RootElement;
        var o = header.GetProperty("outputs")[0];
        Assert.Equal(160, o.GetProperty("parameters").GetProperty("binary_data_size").GetInt64());
        Assert.False(o.TryGetProperty("data", out _));
        Assert.Equal(jsonLength + 160, all.Length);
        var logits = new float[40];
        Buffer.BlockCopy(all, jsonLength, logits, 0, 160);
        AssertClose(Expected(image, 4), logits);
    }

    [Fact]
    public async Task RawBinaryRequestWithHeaderLengthZero()
    {
        var image = TestServer.Image(1, 9);
        var bytes = new byte[784 * 4];
        Buffer.BlockCopy(image, 0, bytes, 0, bytes.Length);
        var c = new ByteArrayContent(bytes);
        c.Headers.Add("Inference-Header-Content-Length", "0");
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", c);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        int jsonLength = int.Parse(r.Headers.GetValues("Inference-Header-Content-Length").Single());
        var all = await r.Content.ReadAsByteArrayAsync();
        var logits = new float[10];
        Buffer.BlockCopy(all, jsonLength, logits, 0, 40);
        AssertClose(Expected(image, 1), logits);
    }

    [Fact]
    public async Task BinaryDataOutputDefaultsAndPerOutputOverride()
    {
        var image = TestServer.Image(1, 1);
        string json = JsonSerializer.Serialize(new
        {
            parameters = new { binary_data_output = true },
            inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = image } },
            outputs = new[] { new { name = "logits", parameters = new { binary_data = false } } },
        });
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Json(json));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(r.Headers.Contains("Inference-Header-Content-Length"));
        var o = (await TestServer.ReadJson(r)).GetProperty("outputs")[0];
        Assert.Equal(10, o.GetProperty("data").GetArrayLength());
    }

    /// <summary>Every datatype through JSON: the echo model returns each input unchanged.</summary>
    [Fact]
    public async Task EveryDatatypeRoundTripsAsJson()
    {
        var data = SampleJsonData();
        var inputs = data.Select(kv => $$"""{"name":"x_{{kv.Key.ToLowerInvariant()}}","shape":[3],"datatype":"{{kv.Key}}","data":{{kv.Value}}}""");
        var r = await Http.PostAsync("/v2/models/echo/infer", TestServer.Json($$"""{"inputs":[{{string.Join(",", inputs)}}]}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var outs = (await TestServer.ReadJson(r)).GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        foreach (var (dt, json) in data)
        {
            var o = outs["y_" + dt.ToLowerInvariant()];
            Assert.Equal(dt, o.GetProperty("datatype").GetString());
            Assert.Equal(Normalize(json), Normalize(o.GetProperty("data").GetRawText()));
        }
    }

    internal static Dictionary<string, string> SampleJsonData() => new()
    {
        ["BOOL"] = "[true,false,true]",
        ["UINT8"] = "[0,255,7]",
        ["UINT16"] = "[0,65535,7]",
        ["UINT32"] = "[0,4294967295,7]",
        ["UINT64"] = "[0,18446744073709551615,7]",
        ["INT8"] = "[-128,127,0]",
        ["INT16"] = "[-32768,32767,0]",
        ["INT32"] = "[-2147483648,2147483647,0]",
        ["INT64"] = "[-9223372036854775808,9223372036854775807,0]",
        ["FP16"] = "[1.5,-2,0.25]",
        ["BF16"] = "[1.5,-2,0.25]",
        ["FP32"] = "[1.5,-2.25,0.125]",
        ["FP64"] = "[1.5,1E+300,-0.1]",
        ["BYTES"] = "[\"a\",\"h\\u00E9llo\",\"\"]",
    };

    private static string Normalize(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.ValueKind switch
        {
            JsonValueKind.Number => (object)e.GetDecimalOrDouble(),
            JsonValueKind.String => e.GetString()!,
            _ => e.GetBoolean(),
        }));

    /// <summary>Every datatype through the binary extension, bytes compared exactly (BYTES length-prefixed).</summary>
    [Fact]
    public async Task EveryDatatypeRoundTripsAsBinary()
    {
        var tensors = SampleBinary();
        var head = new StringBuilder("{\"inputs\":[");
        head.AppendJoin(",", tensors.Select(kv => $$$"""{"name":"x_{{{kv.Key.ToLowerInvariant()}}}","shape":[3],"datatype":"{{{kv.Key}}}","parameters":{"binary_data_size":{{{kv.Value.Length}}}}}"""));
        head.Append("],\"parameters\":{\"binary_data_output\":true}}");
        var r = await Http.PostAsync("/v2/models/echo/infer", TestServer.Binary(head.ToString(), tensors.Values.ToArray()));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        int jsonLength = int.Parse(r.Headers.GetValues("Inference-Header-Content-Length").Single());
        var all = await r.Content.ReadAsByteArrayAsync();
        var outs = JsonDocument.Parse(all.AsMemory(0, jsonLength)).RootElement.GetProperty("outputs");
        int offset = jsonLength;
        foreach (var o in outs.EnumerateArray())
        {
            string dt = o.GetProperty("datatype").GetString()!;
            int size = (int)o.GetProperty("parameters").GetProperty("binary_data_size").GetInt64();
            Assert.Equal(tensors[dt], all.AsSpan(offset, size).ToArray());
            offset += size;
        }
        Assert.Equal(all.Length, offset);
    }

    internal static Dictionary<string, byte[]> SampleBinary()
    {
        static byte[] Of<T>(params T[] v) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        var strings = new List<byte>();
        foreach (var s in new[] { "a", "héllo", "" })
        {
            var b = Encoding.UTF8.GetBytes(s);
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)b.Length);
            strings.AddRange(len);
            strings.AddRange(b);
        }
        return new()
        {
            ["BOOL"] = [1, 0, 1],
            ["UINT8"] = [0, 255, 7],
            ["UINT16"] = Of<ushort>(0, 65535, 7),
            ["UINT32"] = Of<uint>(0, uint.MaxValue, 7),
            ["UINT64"] = Of<ulong>(0, ulong.MaxValue, 7),
            ["INT8"] = Of<sbyte>(-128, 127, 0),
            ["INT16"] = Of<short>(-32768, 32767, 0),
            ["INT32"] = Of(int.MinValue, int.MaxValue, 0),
            ["INT64"] = Of(long.MinValue, long.MaxValue, 0L),
            ["FP16"] = Of((Half)1.5, (Half)(-2), Half.NaN),
            ["BF16"] = Of<ushort>(0x3FC0, 0xC000, 0x7FC0),
            ["FP32"] = Of(1.5f, float.NegativeInfinity, float.NaN),
            ["FP64"] = Of(1.5, 1e300, -0.1),
            ["BYTES"] = strings.ToArray(),
        };
    }

    [Fact]
    public async Task NonFiniteFloatsTravelAsStrings()
    {
        var data = SampleJsonData();
        data["FP32"] = "[\"NaN\",\"Infinity\",\"-Infinity\"]";
        var inputs = data.Select(kv => $$"""{"name":"x_{{kv.Key.ToLowerInvariant()}}","shape":[3],"datatype":"{{kv.Key}}","data":{{kv.Value}}}""");
        var r = await Http.PostAsync("/v2/models/echo/infer", TestServer.Json($$"""{"inputs":[{{string.Join(",", inputs)}}],"outputs":[{"name":"y_fp32"}]}"""));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var outs = (await TestServer.ReadJson(r)).GetProperty("outputs");
        Assert.Equal(1, outs.GetArrayLength());
        Assert.Equal("[\"NaN\",\"Infinity\",\"-Infinity\"]", outs[0].GetProperty("data").GetRawText());
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP64","data":[0]}]}""", 400, "AXS005")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,27],"datatype":"FP32","data":[]}]}""", 400, "AXS005")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[1,2]}]}""", 400, "AXS005")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP99","data":[1,2]}]}""", 400, "AXS003")]
    [InlineData("""{"inputs":[{"name":"bogus","shape":[1],"datatype":"FP32","data":[1]}]}""", 400, "AXS007")]
    [InlineData("""{"inputs":[]}""", 400, "AXS008")]
    [InlineData("""{"inputs":[{"name":"input","shape":[100000,100000,100000,28],"datatype":"FP32","data":[1]}]}""", 400, "AXS012")]
    [InlineData("""{"inputs":[{"name":"input","shape":[-1,1,28,28],"datatype":"FP32","data":[1]}]}""", 400, "AXS004")]
    [InlineData("""{"inputs":[{"name":"input","shape":[65,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":0}}]}""", 400, "AXS006")]
    [InlineData("""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32"}]}""", 400, "AXS002")]
    [InlineData("""{"inputs":[{"name":"input","shape":[0,1,28,28],"datatype":"FP32","data":[]}],"outputs":[{"name":"nope"}]}""", 400, "AXS009")]
    [InlineData("""{"inputs":[{"name":"input","shape":[0,1,28,28],"datatype":"FP32","data":[]}],"outputs":[{"name":"logits","parameters":{"classification":3}}]}""", 400, "AXS002")]
    [InlineData("""[1,2,3]""", 400, "AXS002")]
    [InlineData("""{"inputs":[{"name":"input",""", 400, "AXS001")]
    public async Task BadRequestsGet4xxWithAnError(string body, int status, string code)
    {
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Json(body));
        Assert.Equal(status, (int)r.StatusCode);
        Assert.Equal(code, r.Headers.GetValues("X-Axon-Error-Code").Single());
        Assert.False(string.IsNullOrEmpty((await TestServer.ReadJson(r)).GetProperty("error").GetString()));
    }

    [Fact]
    public async Task SchedulePolicyParametersReachTheModel()
    {
        string echo = Repository.RepositoryTests.EchoRequest();
        string withPolicy = echo.Insert(1, "\"parameters\":{\"priority\":1,\"timeout\":250000},");
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/v2/models/echo/infer", TestServer.Json(withPolicy))).StatusCode);
        Assert.Equal(new Protocol.RequestPolicy(true, TimeSpan.FromMilliseconds(250)), f.S.Echoes["echo"].LastPolicy);
        Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/v2/models/echo/infer", TestServer.Json(echo))).StatusCode);
        Assert.Equal(Protocol.RequestPolicy.Default, f.S.Echoes["echo"].LastPolicy);
        var bad = echo.Insert(1, "\"parameters\":{\"priority\":-2},");
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("/v2/models/echo/infer", TestServer.Json(bad))).StatusCode);
    }

    [Fact]
    public async Task BatchLargerThanMaxBatchSizeIsRefused()
    {
        var bytes = new byte[65 * 784 * 4];
        string head = $$$"""{"inputs":[{"name":"input","shape":[65,1,28,28],"datatype":"FP32","parameters":{"binary_data_size":{{{bytes.Length}}}}}]}""";
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", TestServer.Binary(head, bytes));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("AXS011", r.Headers.GetValues("X-Axon-Error-Code").Single());
    }

    [Fact]
    public async Task LyingHeaderLengthIsRefused()
    {
        var c = TestServer.Json("""{"inputs":[]}""");
        c.Headers.Add("Inference-Header-Content-Length", "999");
        var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", c);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("AXS006", r.Headers.GetValues("X-Axon-Error-Code").Single());
    }

    [Fact]
    public async Task UnknownAndUnreadyModelsAre404And503()
    {
        var body = """{"inputs":[]}""";
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync("/v2/models/nope/infer", TestServer.Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Http.PostAsync("/v2/models/broken/infer", TestServer.Json(body))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostAsync("/v2/models/a..b/infer", TestServer.Json(body))).StatusCode);
        Assert.InRange((int)(await Http.GetAsync("/v2/models/fashion_mnist/infer")).StatusCode, 400, 499);
    }
}

internal static class JsonElementExtensions
{
    public static object GetDecimalOrDouble(this JsonElement e) => e.TryGetDecimal(out var d) ? d : e.GetDouble();
}
