using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Grpc;

/// <summary>
/// The calls of Triton's <c>inference.GRPCInferenceService</c> that Axon does not serve. Each answers UNIMPLEMENTED
/// (status 12) with a message naming the RPC, why, and what to use instead, rather than gRPC's anonymous
/// "Method is unimplemented.". Any other unknown method still gets gRPC's default answer.
/// </summary>
internal static class UnimplementedRpcs
{
    public const string Service = "inference.GRPCInferenceService";

    /// <summary>RPC name and the reason shown to the caller.</summary>
    public static readonly IReadOnlyDictionary<string, string> Reasons = new Dictionary<string, string>
    {
        ["ModelStreamInfer"] = "streaming inference is not supported; send one ModelInfer per request (the server batches concurrent requests itself)",
        ["ModelConfig"] = "Axon serves no Triton model configuration; ModelMetadata gives the inputs and outputs, and the model's config.yaml in the repository holds its settings",
        ["SystemSharedMemoryStatus"] = "the system shared-memory extension is not supported; send tensors in raw_input_contents",
        ["SystemSharedMemoryRegister"] = "the system shared-memory extension is not supported; send tensors in raw_input_contents",
        ["SystemSharedMemoryUnregister"] = "the system shared-memory extension is not supported; send tensors in raw_input_contents",
        ["CudaSharedMemoryStatus"] = "Axon runs on CPUs and has no CUDA shared memory",
        ["CudaSharedMemoryRegister"] = "Axon runs on CPUs and has no CUDA shared memory",
        ["CudaSharedMemoryUnregister"] = "Axon runs on CPUs and has no CUDA shared memory",
        ["TraceSetting"] = "request tracing is not supported; use 'axon profile MODEL --trace trace.json' for per-operator timing",
        ["LogSettings"] = "log settings cannot be changed at run time",
    };

    public static IEndpointRouteBuilder MapUnimplementedRpcs(this IEndpointRouteBuilder app)
    {
        foreach (var (rpc, reason) in Reasons)
        {
            string message = $"{Service}/{rpc} is not implemented by Axon: {reason}";
            app.MapPost($"/{Service}/{rpc}", (HttpContext http) => Answer(http, message));
        }
        return app;
    }

    // A trailers-only response: HTTP 200 with grpc-status in the headers and no body, as gRPC servers answer a call
    // they refuse before reading it.
    private static Task Answer(HttpContext http, string message)
    {
        if (http.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            return Http.RestProtocol.WriteError(http, 404, "AXS043", $"no such endpoint: {http.Request.Method} {http.Request.Path}");
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/grpc";
        http.Response.Headers["grpc-status"] = "12";
        http.Response.Headers["grpc-message"] = PercentEncode(message);
        http.Response.Headers["x-axon-error-code"] = Axon.Serving.Protocol.ServingCodes.UnimplementedRpc;
        return Task.CompletedTask;
    }

    /// <summary>grpc-message is percent-encoded: bytes outside printable ASCII, and '%' itself.</summary>
    internal static string PercentEncode(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2"));
            }
        }
        return sb.ToString();
    }
}
