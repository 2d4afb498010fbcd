using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Axon.Serving.Hosting;
using Axon.Serving.Protocol;
using Axon.Serving.Repository;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary><c>/v2/models/{model}[/versions/{version}]</c>: metadata (GET), <c>/ready</c> (GET) and <c>/infer</c> (POST).</summary>
internal static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/v2/models/{model}", "/v2/models/{model}/versions/{version}" })
        {
            app.MapGet(prefix, (HttpContext http, ServerContext ctx, string model, string? version) =>
                RestProtocol.Guard(http, () => Metadata(http, ctx, model, version)));
            app.MapGet(prefix + "/ready", (HttpContext http, ServerContext ctx, string model, string? version) =>
                RestProtocol.Guard(http, () => Ready(http, ctx, model, version)));
            app.MapPost(prefix + "/infer", (HttpContext http, ServerContext ctx, string model, string? version) =>
                RestProtocol.Guard(http, () => Infer(http, ctx, model, version)));
        }
        return app;
    }

    private static Task Metadata(HttpContext http, ServerContext ctx, string name, string? version)
    {
        RestProtocol.CheckApiKey(http, ctx);
        var m = ctx.Repository.Get(name, version, out var versions);
        return RestProtocol.WriteJson(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            w.WriteStartArray("versions");
            foreach (var v in versions)
            {
                w.WriteStringValue(v);
            }
            w.WriteEndArray();
            w.WriteString("platform", m.Platform);
            WriteTensors(w, "inputs", m.Inputs, m.MaxBatchSize);
            WriteTensors(w, "outputs", m.Outputs, m.MaxBatchSize);
            w.WriteEndObject();
        });
    }

    private static void WriteTensors(Utf8JsonWriter w, string key, IReadOnlyList<TensorSpec> specs, int maxBatch)
    {
        w.WriteStartArray(key);
        foreach (var s in specs)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("datatype", s.Datatype);
            w.WriteStartArray("shape");
            foreach (var d in s.Shape)
            {
                w.WriteNumberValue(d);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static Task Ready(HttpContext http, ServerContext ctx, string name, string? version)
    {
        RestProtocol.CheckApiKey(http, ctx);
        if (!RepositoryPaths.IsValidName(name) || version is not null && !RepositoryPaths.IsValidVersion(version))
        {
            RepositoryPaths.CheckName(name);
            RepositoryPaths.CheckVersion(version);
        }
        bool ready = !ctx.Stopping && ctx.Repository.IsReady(name, version);
        if (!ready)
        {
            return RestProtocol.WriteError(http, 400, ServingCodes.ModelNotReady, $"model '{name}'{(version is null ? "" : $" version {version}")} is not ready");
        }
        return RestProtocol.WriteJson(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteBoolean("ready", true);
            w.WriteEndObject();
        });
    }

    private static async Task Infer(HttpContext http, ServerContext ctx, string name, string? version)
    {
        RestProtocol.CheckApiKey(http, ctx);
        long start = Stopwatch.GetTimestamp();
        using var lease = ctx.Repository.Acquire(name, version);
        var model = lease.Model;
        ctx.Metrics.InFlight.Inc();
        var (buffer, length) = (Array.Empty<byte>(), 0);
        try
        {
            long? headerLength = RestProtocol.HeaderContentLength(http);
            (buffer, length) = await RestProtocol.ReadBody(http, ctx.Options.MaxRequestBytes);
            var req = HttpInferCodec.Decode(buffer.AsMemory(0, length), headerLength, model);
            long computeStart = Stopwatch.GetTimestamp();
            var resp = await InferenceExecutor.RunAsync(model, req, http.RequestAborted);
            double compute = Stopwatch.GetElapsedTime(computeStart).TotalSeconds;
            var body = new ArrayBufferWriter<byte>(4096);
            long? jsonLength = HttpInferCodec.Encode(resp, body);
            http.Response.StatusCode = 200;
            if (jsonLength is { } h)
            {
                http.Response.ContentType = "application/octet-stream";
                http.Response.Headers[RestProtocol.HeaderLength] = h.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                http.Response.ContentType = "application/json";
            }
            http.Response.ContentLength = body.WrittenCount;
            // Counted before the body goes out, so a client that has its answer also sees it in the statistics.
            int batch = req.Inputs.Count > 0 && req.Inputs[0].Tensor.Rank > 0 ? req.Inputs[0].Tensor.Shape[0] : 1;
            ctx.Metrics.Success(model.Name, model.Version, Stopwatch.GetElapsedTime(start).TotalSeconds, compute, batch);
            await http.Response.Body.WriteAsync(body.WrittenMemory, http.RequestAborted);
        }
        catch (ServingException e)
        {
            ctx.Metrics.Failure(model.Name, model.Version, e.Status);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ctx.Metrics.Failure(model.Name, model.Version, e is BadHttpRequestException ? 400 : 500);
            throw;
        }
        finally
        {
            ctx.Metrics.InFlight.Dec();
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
