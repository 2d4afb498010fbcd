using System.Diagnostics;
using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Hosting;
using Axon.Serving.Protocol;
using Grpc.Core;

namespace Axon.Serving.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c>: the same semantics as the HTTP routes. A refused request is an
/// <see cref="RpcException"/> whose status follows the HTTP one (400 InvalidArgument, 404 NotFound, 503 Unavailable,
/// 401 Unauthenticated, 403 PermissionDenied, 413 ResourceExhausted).
/// </summary>
internal sealed class InferenceGrpcService(ServerContext ctx) : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = ctx.Ready });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) => Guard(() =>
    {
        CheckApiKey(context);
        Repository.RepositoryPaths.CheckName(request.Name);
        if (request.Version.Length > 0)
        {
            Repository.RepositoryPaths.CheckVersion(request.Version);
        }
        bool ready = !ctx.Stopping && ctx.Repository.IsReady(request.Name, Version(request.Version));
        return Task.FromResult(new ModelReadyResponse { Ready = ready });
    });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var r = new ServerMetadataResponse { Name = ServerContext.ServerName, Version = ServerContext.Version };
        r.Extensions.AddRange(ServerContext.Extensions);
        return Task.FromResult(r);
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context) => Guard(() =>
    {
        CheckApiKey(context);
        var m = ctx.Repository.Get(request.Name, Version(request.Version), out var versions);
        var r = new ModelMetadataResponse { Name = m.Name, Platform = m.Platform };
        r.Versions.AddRange(versions);
        foreach (var s in m.Inputs)
        {
            var t = new ModelMetadataResponse.Types.TensorMetadata { Name = s.Name, Datatype = s.Datatype };
            t.Shape.AddRange(s.Shape);
            r.Inputs.Add(t);
        }
        foreach (var s in m.Outputs)
        {
            var t = new ModelMetadataResponse.Types.TensorMetadata { Name = s.Name, Datatype = s.Datatype };
            t.Shape.AddRange(s.Shape);
            r.Outputs.Add(t);
        }
        return Task.FromResult(r);
    });

    public override Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context) => Guard(async () =>
    {
        CheckApiKey(context);
        long start = Stopwatch.GetTimestamp();
        using var lease = ctx.Repository.Acquire(request.ModelName, Version(request.ModelVersion));
        var model = lease.Model;
        ctx.Metrics.InFlight.Inc();
        try
        {
            var req = GrpcTensors.Decode(request);
            long computeStart = Stopwatch.GetTimestamp();
            var resp = await InferenceExecutor.RunAsync(model, req, context.CancellationToken);
            double compute = Stopwatch.GetElapsedTime(computeStart).TotalSeconds;
            var encoded = GrpcTensors.Encode(resp);
            int batch = req.Inputs.Count > 0 && req.Inputs[0].Tensor.Rank > 0 ? req.Inputs[0].Tensor.Shape[0] : 1;
            ctx.Metrics.Success(model.Name, model.Version, Stopwatch.GetElapsedTime(start).TotalSeconds, compute, batch);
            return encoded;
        }
        catch (ServingException e)
        {
            ctx.Metrics.Failure(model.Name, model.Version, e.Status);
            throw;
        }
        finally
        {
            ctx.Metrics.InFlight.Dec();
        }
    });

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context) => Guard(() =>
    {
        CheckApiKey(context);
        if (request.Name.Length == 0 && request.Version.Length > 0)
        {
            throw ServingException.BadRequest(ServingCodes.BadField, $"ModelStatistics: version '{Repository.RepositoryPaths.Clip(request.Version)}' was given without a model name");
        }
        var models = Http.StatsEndpoints.Select(ctx, Version(request.Name), Version(request.Version));
        var r = new ModelStatisticsResponse();
        foreach (var m in models)
        {
            r.ModelStats.Add(GrpcStatistics.ToProto(Metrics.KServeModelStats.Of(m)));
        }
        return Task.FromResult(r);
    });

    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) => Guard(() =>
    {
        CheckAdmin(context);
        var r = new RepositoryIndexResponse();
        foreach (var row in ctx.Repository.Index(request.Ready))
        {
            r.Models.Add(new RepositoryIndexResponse.Types.ModelIndex { Name = row.Name, Version = row.Version, State = row.State, Reason = row.Reason });
        }
        return Task.FromResult(r);
    });

    public override Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context) => Guard(async () =>
    {
        CheckAdmin(context);
        if (request.Parameters.Keys.Any(k => k == "config" || k.StartsWith("file:", StringComparison.Ordinal)))
        {
            throw ServingException.BadRequest(ServingCodes.BadField, "load parameters 'config' and 'file:...' are not supported: Axon loads models only from its repository folder");
        }
        await ctx.Repository.LoadAsync(request.ModelName);
        return new RepositoryModelLoadResponse();
    });

    public override Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context) => Guard(async () =>
    {
        CheckAdmin(context);
        await ctx.Repository.UnloadAsync(request.ModelName);
        return new RepositoryModelUnloadResponse();
    });

    private static string? Version(string v) => v.Length == 0 ? null : v;

    private void CheckApiKey(ServerCallContext context)
    {
        if (ctx.Options.ApiKey is not { Length: > 0 } key)
        {
            return;
        }
        string? given = Bearer(context) ?? context.RequestHeaders.GetValue("x-api-key");
        if (given is null || !Http.RestProtocol.SecretEquals(given, key))
        {
            throw ServingException.Unauthorized("this server needs an API key: send metadata 'authorization: Bearer KEY' or 'x-api-key: KEY'");
        }
    }

    private void CheckAdmin(ServerCallContext context)
    {
        if (ctx.Options.AdminToken is not { Length: > 0 } token)
        {
            throw ServingException.Forbidden("the repository API is disabled: start the server with AXON_ADMIN_TOKEN set to enable it");
        }
        string? given = Bearer(context);
        if (given is null || !Http.RestProtocol.SecretEquals(given, token))
        {
            throw ServingException.Unauthorized("the repository API needs metadata 'authorization: Bearer <AXON_ADMIN_TOKEN>'");
        }
    }

    private static string? Bearer(ServerCallContext context)
    {
        string? auth = context.RequestHeaders.GetValue("authorization");
        return auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
    }

    private static async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ServingException e)
        {
            throw new RpcException(new Status(ToGrpc(e.Status), e.Message), new Metadata { { "x-axon-error-code", e.Code } });
        }
    }

    private static StatusCode ToGrpc(int status) => status switch
    {
        404 => StatusCode.NotFound,
        503 => StatusCode.Unavailable,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        413 or 429 => StatusCode.ResourceExhausted,
        >= 500 => StatusCode.Internal,
        _ => StatusCode.InvalidArgument,
    };
}
