using Axon.Serving.Grpc;
using Axon.Serving.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace Axon.Serving.Tests.Grpc;

/// <summary>Triton RPCs that Axon does not serve answer UNIMPLEMENTED with a message that names the RPC.</summary>
[Collection("server")]
public sealed class GrpcUnimplementedTests(ServerFixture f) : IDisposable
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(f.S.Server.GrpcUrl!);

    public void Dispose() => _channel.Dispose();

    public static TheoryData<string> Rpcs() =>
    [
        "ModelConfig", "SystemSharedMemoryStatus", "SystemSharedMemoryRegister", "SystemSharedMemoryUnregister",
        "CudaSharedMemoryStatus", "CudaSharedMemoryRegister", "CudaSharedMemoryUnregister", "TraceSetting", "LogSettings",
    ];

    [Theory]
    [MemberData(nameof(Rpcs))]
    public async Task UnaryCallsNameTheRpc(string rpc)
    {
        var method = new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", rpc, Bytes, Bytes);
        // A request with a field set (name = "fashion_mnist" for ModelConfig), as a real client sends it.
        byte[] request = [0x0A, 13, .. "fashion_mnist"u8];
        var e = await Assert.ThrowsAsync<RpcException>(async () => await _channel.CreateCallInvoker().AsyncUnaryCall(method, null, default, request));
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
        Assert.StartsWith($"inference.GRPCInferenceService/{rpc} is not implemented by Axon: ", e.Status.Detail);
        Assert.Equal(UnimplementedRpcs.Reasons[rpc], e.Status.Detail[(e.Status.Detail.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
        Assert.Equal("AXS044", e.Trailers.GetValue("x-axon-error-code"));
    }

    [Fact]
    public async Task StreamingInferIsRefusedOnTheStream()
    {
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "inference.GRPCInferenceService", "ModelStreamInfer", Bytes, Bytes);
        using var call = _channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, default);
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(default));
        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
        Assert.Contains("ModelStreamInfer", e.Status.Detail);
        Assert.Contains("ModelInfer", e.Status.Detail);
    }

    [Fact]
    public void EveryTritonRpcIsServedOrRefusedByName()
    {
        string[] triton =
        [
            "ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata", "ModelInfer", "ModelStreamInfer",
            "ModelConfig", "ModelStatistics", "RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload",
            "SystemSharedMemoryStatus", "SystemSharedMemoryRegister", "SystemSharedMemoryUnregister",
            "CudaSharedMemoryStatus", "CudaSharedMemoryRegister", "CudaSharedMemoryUnregister", "TraceSetting", "LogSettings",
        ];
        var served = typeof(Axon.Serving.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceBase).GetMethods()
            .Where(m => m.IsVirtual && m.DeclaringType!.Name == "GRPCInferenceServiceBase").Select(m => m.Name).ToList();
        var overridden = typeof(InferenceGrpcService).GetMethods()
            .Where(m => m.DeclaringType == typeof(InferenceGrpcService) && served.Contains(m.Name)).Select(m => m.Name);
        Assert.Equal(served.Order(), overridden.Order()); // every declared RPC has an implementation
        Assert.Equal(triton.Order(), served.Concat(UnimplementedRpcs.Reasons.Keys).Order());
    }

    [Fact]
    public async Task TheRoutesAreNotReachableOverPlainHttp()
    {
        var r = await f.S.Http.PostAsync("/inference.GRPCInferenceService/ModelConfig", new StringContent("{}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, r.StatusCode);
    }
}
