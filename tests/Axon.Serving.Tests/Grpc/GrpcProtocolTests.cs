using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Tests.Http;
using Axon.Serving.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Axon.Serving.Tests.Grpc;

/// <summary>Every RPC of inference.GRPCInferenceService over a real HTTP/2 connection.</summary>
[Collection("server")]
public sealed class GrpcProtocolTests(ServerFixture f) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(f.S.Server.GrpcUrl!);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(_channel);

    private static Metadata Admin => new() { { "authorization", "Bearer " + ServerFixture.AdminToken } };

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task HealthAndServerMetadata()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.False((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready); // the broken model
        var md = await Client.ServerMetadataAsync(new ServerMetadataRequest());
        Assert.Equal("axon", md.Name);
        Assert.Contains("binary_tensor_data", md.Extensions);
        Assert.Contains("model_repository", md.Extensions);
    }

    [Fact]
    public async Task ModelReadyAndMetadata()
    {
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "fashion_mnist" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "fashion_mnist", Version = "1" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "broken" })).Ready);
        Assert.False((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "nope" })).Ready);
        var m = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "fashion_mnist" });
        Assert.Equal("fashion_mnist", m.Name);
        Assert.Equal(["1"], m.Versions);
        Assert.Equal("onnx_onnxv1", m.Platform);
        Assert.Equal("input", m.Inputs[0].Name);
        Assert.Equal("FP32", m.Inputs[0].Datatype);
        Assert.Equal([-1L, 1, 28, 28], m.Inputs[0].Shape);
        Assert.Equal([-1L, 10], m.Outputs[0].Shape);
    }

    [Fact]
    public async Task InferWithTypedContents()
    {
        var image = TestServer.Image(2, 21);
        var req = new ModelInferRequest { ModelName = "fashion_mnist", Id = "g-1" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Contents = new InferTensorContents() };
        input.Shape.AddRange([2, 1, 28, 28]);
        input.Contents.Fp32Contents.AddRange(image);
        req.Inputs.Add(input);
        var r = await Client.ModelInferAsync(req);
        Assert.Equal("fashion_mnist", r.ModelName);
        Assert.Equal("1", r.ModelVersion);
        Assert.Equal("g-1", r.Id);
        Assert.Equal("logits", r.Outputs[0].Name);
        Assert.Equal("FP32", r.Outputs[0].Datatype);
        Assert.Equal([2L, 10], r.Outputs[0].Shape);
        var logits = new float[20];
        Buffer.BlockCopy(r.RawOutputContents[0].ToByteArray(), 0, logits, 0, 80);
        InferTests.AssertClose(InferTests.Expected(image, 2), logits);
    }

    [Fact]
    public async Task InferWithRawContentsEveryDatatype()
    {
        var tensors = InferTests.SampleBinary();
        var req = new ModelInferRequest { ModelName = "echo", ModelVersion = "1" };
        foreach (var (dt, bytes) in tensors)
        {
            var t = new ModelInferRequest.Types.InferInputTensor { Name = "x_" + dt.ToLowerInvariant(), Datatype = dt };
            t.Shape.Add(3);
            req.Inputs.Add(t);
            req.RawInputContents.Add(ByteString.CopyFrom(bytes));
        }
        req.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "y_bytes" });
        req.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "y_bf16" });
        var r = await Client.ModelInferAsync(req);
        Assert.Equal(["y_bytes", "y_bf16"], r.Outputs.Select(o => o.Name));
        Assert.Equal(tensors["BYTES"], r.RawOutputContents[0].ToByteArray());
        Assert.Equal(tensors["BF16"], r.RawOutputContents[1].ToByteArray());
    }

    [Fact]
    public async Task InferWithTypedContentsEveryTypedField()
    {
        var req = new ModelInferRequest { ModelName = "echo" };
        var raw = InferTests.SampleBinary();
        foreach (var dt in raw.Keys)
        {
            var t = new ModelInferRequest.Types.InferInputTensor { Name = "x_" + dt.ToLowerInvariant(), Datatype = dt, Contents = new InferTensorContents() };
            t.Shape.Add(3);
            var c = t.Contents;
            switch (dt)
            {
                case "BOOL": c.BoolContents.AddRange([true, false, true]); break;
                case "UINT8": c.UintContents.AddRange([0, 255, 7]); break;
                case "UINT16": c.UintContents.AddRange([0, 65535, 7]); break;
                case "UINT32": c.UintContents.AddRange([0, uint.MaxValue, 7]); break;
                case "UINT64": c.Uint64Contents.AddRange([0, ulong.MaxValue, 7]); break;
                case "INT8": c.IntContents.AddRange([-128, 127, 0]); break;
                case "INT16": c.IntContents.AddRange([-32768, 32767, 0]); break;
                case "INT32": c.IntContents.AddRange([int.MinValue, int.MaxValue, 0]); break;
                case "INT64": c.Int64Contents.AddRange([long.MinValue, long.MaxValue, 0]); break;
                case "FP32": c.Fp32Contents.AddRange([1.5f, float.NegativeInfinity, float.NaN]); break;
                case "FP64": c.Fp64Contents.AddRange([1.5, 1e300, -0.1]); break;
                case "BYTES": c.BytesContents.AddRange(new[] { "a", "héllo", "" }.Select(ByteString.CopyFromUtf8)); break;
                default:
                    // FP16 and BF16 have no typed field: they must come raw, which cannot be mixed with typed contents.
                    continue;
            }
            req.Inputs.Add(t);
        }
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(req));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode); // FP16/BF16 missing
        Assert.Contains("x_fp16", e.Status.Detail);
        foreach (var dt in new[] { "FP16", "BF16" })
        {
            var t = new ModelInferRequest.Types.InferInputTensor { Name = "x_" + dt.ToLowerInvariant(), Datatype = dt, Contents = new InferTensorContents() };
            t.Shape.Add(3);
            req.Inputs.Add(t);
        }
        var e2 = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(req));
        Assert.Equal(StatusCode.InvalidArgument, e2.StatusCode);
        Assert.Contains("raw_input_contents", e2.Status.Detail);
        req.Inputs.RemoveAt(req.Inputs.Count - 1);
        req.Inputs.RemoveAt(req.Inputs.Count - 1);
        // Typed values come back raw, byte-identical to the binary samples for every typed datatype.
        var echo = new EchoOnly(Client);
        foreach (var input in req.Inputs)
        {
            Assert.Equal(raw[input.Datatype], await echo.Raw(input));
        }
    }

    /// <summary>Sends one typed input to the echo model along with zero-length placeholders for the rest.</summary>
    private sealed class EchoOnly(GRPCInferenceService.GRPCInferenceServiceClient client)
    {
        public async Task<byte[]> Raw(ModelInferRequest.Types.InferInputTensor input)
        {
            var req = new ModelInferRequest { ModelName = "echo" };
            foreach (var dt in InferTests.SampleBinary().Keys)
            {
                if (dt == input.Datatype)
                {
                    req.Inputs.Add(input);
                    continue;
                }
                var t = new ModelInferRequest.Types.InferInputTensor { Name = "x_" + dt.ToLowerInvariant(), Datatype = dt, Contents = new InferTensorContents() };
                t.Shape.Add(0);
                req.Inputs.Add(t);
            }
            req.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "y_" + input.Datatype.ToLowerInvariant() });
            var r = await client.ModelInferAsync(req);
            return r.RawOutputContents[0].ToByteArray();
        }
    }

    [Theory]
    [InlineData("nope", StatusCode.NotFound)]
    [InlineData("broken", StatusCode.Unavailable)]
    [InlineData("../etc", StatusCode.InvalidArgument)]
    public async Task InferErrorsMapToGrpcStatus(string model, StatusCode expected)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(new ModelInferRequest { ModelName = model }));
        Assert.Equal(expected, e.StatusCode);
    }

    [Fact]
    public async Task RawContentsCountMustMatchInputs()
    {
        var req = new ModelInferRequest { ModelName = "fashion_mnist" };
        var t = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        t.Shape.AddRange([1, 1, 28, 28]);
        req.Inputs.Add(t);
        req.RawInputContents.Add(ByteString.CopyFrom(new byte[10]));
        req.RawInputContents.Add(ByteString.CopyFrom(new byte[10]));
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(req));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        req.RawInputContents.RemoveAt(1);
        e = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(req));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("3136", e.Status.Detail);
    }

    [Fact]
    public async Task RepositoryCallsNeedTheAdminToken()
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await Client.RepositoryIndexAsync(new RepositoryIndexRequest()));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var index = await Client.RepositoryIndexAsync(new RepositoryIndexRequest(), Admin);
        var fashion = index.Models.Single(m => m.Name == "fashion_mnist");
        Assert.Equal(("1", "READY"), (fashion.Version, fashion.State));
        var broken = index.Models.Single(m => m.Name == "broken");
        Assert.Equal("UNAVAILABLE", broken.State);
        Assert.Contains("broken", broken.Reason);
        var ready = await Client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, Admin);
        Assert.DoesNotContain(ready.Models, m => m.Name == "broken");
        var load = await Assert.ThrowsAsync<RpcException>(async () => await Client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "nope" }, Admin));
        Assert.Equal(StatusCode.NotFound, load.StatusCode);
        var traversal = await Assert.ThrowsAsync<RpcException>(async () => await Client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = ".." }, Admin));
        Assert.Equal(StatusCode.InvalidArgument, traversal.StatusCode);
    }
}
