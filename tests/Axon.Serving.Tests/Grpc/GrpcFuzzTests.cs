using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Axon.Serving.Tests.Grpc;

/// <summary>Seeded malformed ModelInfer calls: every refusal is a client status (never Internal or Unknown), and the service keeps answering.</summary>
[Collection("server")]
public sealed class GrpcFuzzTests(ServerFixture f) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(f.S.Server.GrpcUrl!);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task MalformedInferCallsGetClientStatuses()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        string[] models = ["fashion_mnist", "echo", "nope", "..", "a/b", ""];
        string[] types = ["FP32", "FP16", "BYTES", "BOOL", "INT8", "UINT64", "fp32", "X"];
        var bad = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 800), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var rng = new Random(5000 + i);
            var req = new ModelInferRequest { ModelName = models[rng.Next(models.Length)], ModelVersion = rng.Next(4) == 0 ? "x" : "" };
            int inputs = rng.Next(0, 3);
            for (int k = 0; k < inputs; k++)
            {
                var t = new ModelInferRequest.Types.InferInputTensor { Name = rng.Next(2) == 0 ? "input" : "x_fp32", Datatype = types[rng.Next(types.Length)] };
                int rank = rng.Next(0, 5);
                for (int d = 0; d < rank; d++)
                {
                    t.Shape.Add(rng.Next(4) switch { 0 => -1, 1 => long.MaxValue, 2 => rng.Next(0, 30), _ => 28 });
                }
                if (rng.Next(2) == 0)
                {
                    req.RawInputContents.Add(ByteString.CopyFrom(new byte[rng.Next(0, 4000)]));
                }
                else
                {
                    t.Contents = new InferTensorContents();
                    t.Contents.Fp32Contents.AddRange(Enumerable.Repeat(1f, rng.Next(0, 900)));
                    if (rng.Next(3) == 0)
                    {
                        t.Contents.IntContents.Add(5);
                    }
                }
                req.Inputs.Add(t);
            }
            if (rng.Next(3) == 0)
            {
                req.Parameters["priority"] = new InferParameter { StringParam = "high" };
            }
            try
            {
                await client.ModelInferAsync(req, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.Unavailable or StatusCode.ResourceExhausted)
            {
            }
            catch (RpcException e)
            {
                lock (bad)
                {
                    bad.Add($"case {i}: {e.StatusCode} {e.Status.Detail}");
                }
            }
        });
        Assert.True(bad.Count == 0, string.Join("\n", bad.Take(10)));
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
    }
}
