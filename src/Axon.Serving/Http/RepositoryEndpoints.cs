using System.Buffers;
using System.Text.Json;
using Axon.Serving.Hosting;
using Axon.Serving.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary>
/// The model repository extension: <c>POST /v2/repository/index</c>, <c>POST /v2/repository/models/{model}/load</c> and
/// <c>.../unload</c>. All three need the admin bearer token; without <c>AXON_ADMIN_TOKEN</c> they answer 403.
/// </summary>
internal static class RepositoryEndpoints
{
    private const int MaxAdminBody = 64 * 1024;

    public static IEndpointRouteBuilder MapRepositoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/repository/index", (HttpContext http, ServerContext ctx) => RestProtocol.Guard(http, async () =>
        {
            RestProtocol.CheckAdmin(http, ctx);
            bool readyOnly = false;
            using (var doc = await ReadOptionalJson(http))
            {
                if (doc is not null && doc.RootElement.TryGetProperty("ready", out var r))
                {
                    readyOnly = r.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw ServingException.BadRequest(ServingCodes.BadField, "'ready' must be true or false"),
                    };
                }
            }
            var rows = ctx.Repository.Index(readyOnly);
            await RestProtocol.WriteJson(http, w =>
            {
                w.WriteStartArray();
                foreach (var row in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("name", row.Name);
                    if (row.Version.Length > 0)
                    {
                        w.WriteString("version", row.Version);
                    }
                    w.WriteString("state", row.State);
                    w.WriteString("reason", row.Reason);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }));
        app.MapPost("/v2/repository/models/{model}/load", (HttpContext http, ServerContext ctx, string model) => RestProtocol.Guard(http, async () =>
        {
            RestProtocol.CheckAdmin(http, ctx);
            using (var doc = await ReadOptionalJson(http))
            {
                RejectUploads(doc);
            }
            await ctx.Repository.LoadAsync(model);
            http.Response.StatusCode = 200;
            http.Response.ContentLength = 0;
        }));
        app.MapPost("/v2/repository/models/{model}/unload", (HttpContext http, ServerContext ctx, string model) => RestProtocol.Guard(http, async () =>
        {
            RestProtocol.CheckAdmin(http, ctx);
            using (await ReadOptionalJson(http))
            {
            }
            await ctx.Repository.UnloadAsync(model);
            http.Response.StatusCode = 200;
            http.Response.ContentLength = 0;
        }));
        return app;
    }

    /// <summary>Axon loads models only from its repository folder: a model or config sent in the request is refused.</summary>
    private static void RejectUploads(JsonDocument? doc)
    {
        if (doc is null || !doc.RootElement.TryGetProperty("parameters", out var p) || p.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var prop in p.EnumerateObject())
        {
            if (prop.Name == "config" || prop.Name.StartsWith("file:", StringComparison.Ordinal))
            {
                throw ServingException.BadRequest(ServingCodes.BadField,
                    $"load parameter '{RepositoryPathsClip(prop.Name)}' is not supported: Axon loads models only from its repository folder");
            }
        }
    }

    private static string RepositoryPathsClip(string s) => Repository.RepositoryPaths.Clip(s);

    private static async Task<JsonDocument?> ReadOptionalJson(HttpContext http)
    {
        var (buffer, length) = await RestProtocol.ReadBody(http, MaxAdminBody);
        try
        {
            if (buffer.AsSpan(0, length).Trim(" \t\r\n"u8).Length == 0)
            {
                return null;
            }
            var doc = JsonDocument.Parse(buffer.AsSpan(0, length).ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw ServingException.BadRequest(ServingCodes.BadField, "the request body must be a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw ServingException.BadRequest(ServingCodes.BadJson, $"the request body is not valid JSON: {e.Message}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
