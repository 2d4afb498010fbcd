using System.Text.Json;
using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace Axon.Serving.Tests.Grpc;

/// <summary>The statistics extension over gRPC, on a server of its own so the counters hold only this test's requests.</summary>
public sealed class GrpcStatisticsTests : IAsyncLifetime
{
    private TestServer _s = null!;
    private GrpcChannel _channel = null!;

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    public async Task InitializeAsync()
    {
        _s = await TestServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_s.Server.GrpcUrl!);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _s.DisposeAsync();
    }

    private async Task Infer(int batch, int seed)
    {
        var req = new ModelInferRequest { ModelName = TestServer.Fashion };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Contents = new InferTensorContents() };
        input.Shape.AddRange([batch, 1, 28, 28]);
        input.Contents.Fp32Contents.AddRange(TestServer.Image(batch, seed));
        req.Inputs.Add(input);
        var r = await Client.ModelInferAsync(req);
        Assert.Equal([(long)batch, 10], r.Outputs[0].Shape);
    }

    [Fact]
    public async Task CountersAfterRealInferencesMatchTheHttpStatistics()
    {
        int[] batches = [1, 3, 1, 3, 2];
        for (int i = 0; i < batches.Length; i++)
        {
            await Infer(batches[i], i); // one at a time: each request is one execution of its own batch size
        }
        var r = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = TestServer.Fashion });
        var s = Assert.Single(r.ModelStats);
        Assert.Equal((TestServer.Fashion, "1"), (s.Name, s.Version));
        Assert.Equal(10UL, s.InferenceCount);
        Assert.Equal(5UL, s.ExecutionCount);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.InRange((long)s.LastInference, now - 60_000, now);
        var st = s.InferenceStats;
        Assert.Equal(5UL, st.Success.Count);
        Assert.Equal(0UL, st.Fail.Count);
        Assert.Equal(5UL, st.Queue.Count);
        Assert.Equal(5UL, st.ComputeInfer.Count);
        Assert.True(st.ComputeInfer.Ns > 0, "compute time must be measured");
        Assert.True(st.Success.Ns >= st.ComputeInfer.Ns, $"a request ({st.Success.Ns} ns) includes its execution ({st.ComputeInfer.Ns} ns)");
        Assert.Equal([1UL, 2, 3], s.BatchStats.Select(b => b.BatchSize));
        Assert.Equal([2UL, 1, 2], s.BatchStats.Select(b => b.ComputeInfer.Count));
        ulong perBatch = (ulong)s.BatchStats.Sum(b => (long)b.ComputeInfer.Ns);
        Assert.InRange(perBatch, st.ComputeInfer.Ns - 5_000, st.ComputeInfer.Ns + 5_000); // 100 ns rounding per execution
        var mem = Assert.Single(s.MemoryUsage);
        Assert.Equal("CPU", mem.Type);
        Assert.True(mem.ByteSize > 100_000, $"Fashion-MNIST weights and arena: {mem.ByteSize} bytes");

        // The HTTP route reads the same counters: every number agrees.
        var body = await TestServer.ReadJson(await _s.Http.GetAsync("/v2/models/fashion_mnist/versions/1/stats"));
        var h = Assert.Single(body.GetProperty("model_stats").EnumerateArray());
        Assert.Equal(s.LastInference, h.GetProperty("last_inference").GetUInt64());
        Assert.Equal(s.InferenceCount, h.GetProperty("inference_count").GetUInt64());
        Assert.Equal(s.ExecutionCount, h.GetProperty("execution_count").GetUInt64());
        var hs = h.GetProperty("inference_stats");
        AssertSame(st.Success, hs.GetProperty("success"));
        AssertSame(st.Fail, hs.GetProperty("fail"));
        AssertSame(st.Queue, hs.GetProperty("queue"));
        AssertSame(st.ComputeInfer, hs.GetProperty("compute_infer"));
        var hb = h.GetProperty("batch_stats").EnumerateArray().ToList();
        Assert.Equal(s.BatchStats.Select(b => b.BatchSize), hb.Select(b => b.GetProperty("batch_size").GetUInt64()));
        for (int i = 0; i < hb.Count; i++)
        {
            AssertSame(s.BatchStats[i].ComputeInfer, hb[i].GetProperty("compute_infer"));
        }
        Assert.Equal(mem.ByteSize, Assert.Single(h.GetProperty("memory_usage").EnumerateArray()).GetProperty("byte_size").GetUInt64());
    }

    private static void AssertSame(StatisticDuration g, JsonElement json)
    {
        Assert.Equal(g.Count, json.GetProperty("count").GetUInt64());
        Assert.Equal(g.Ns, json.GetProperty("ns").GetUInt64());
    }

    [Fact]
    public async Task SelectionFollowsNameAndVersion()
    {
        await Infer(2, 7);
        var all = await Client.ModelStatisticsAsync(new ModelStatisticsRequest());
        Assert.Equal([TestServer.Echo, TestServer.Fashion, TestServer.Slow], all.ModelStats.Select(m => m.Name));
        var echo = all.ModelStats.Single(m => m.Name == TestServer.Echo);
        Assert.Equal(0UL, echo.InferenceCount); // not a runtime model: zeros, never made-up numbers
        Assert.Equal(2UL, all.ModelStats.Single(m => m.Name == TestServer.Fashion).InferenceCount);
        var v1 = await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = TestServer.Fashion, Version = "1" });
        Assert.Equal(2UL, Assert.Single(v1.ModelStats).InferenceCount);

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("'nope'", unknown.Status.Detail);
        Assert.Contains(TestServer.Fashion, unknown.Status.Detail); // names what is loaded
        var version = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = TestServer.Fashion, Version = "7" }));
        Assert.Equal(StatusCode.NotFound, version.StatusCode);
        var orphan = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Version = "1" }));
        Assert.Equal(StatusCode.InvalidArgument, orphan.StatusCode);
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "../x" }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task StatisticsNeedTheApiKeyWhenTheServerHasOne()
    {
        await using var s = await TestServer.StartAsync(apiKey: "k-123", fashion: false);
        using var channel = GrpcChannel.ForAddress(s.Server.GrpcUrl!);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelStatisticsAsync(new ModelStatisticsRequest()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var r = await client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = TestServer.Echo }, new Metadata { { "x-api-key", "k-123" } });
        Assert.Equal(TestServer.Echo, Assert.Single(r.ModelStats).Name);
    }
}
