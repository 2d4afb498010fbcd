using Axon.Serving.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary>
/// <c>GET /v2/health/live</c>, <c>GET /v2/health/ready</c>, <c>GET /v2</c>. The status code carries the answer
/// (200 true, 400 false, as Triton answers); the body says it again as <c>{"live": b}</c> or <c>{"ready": b}</c>.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/health/live", (HttpContext http) =>
            RestProtocol.WriteJson(http, w => { w.WriteStartObject(); w.WriteBoolean("live", true); w.WriteEndObject(); }));
        app.MapGet("/v2/health/ready", (HttpContext http, ServerContext ctx) =>
        {
            bool ready = ctx.Ready;
            return RestProtocol.WriteJson(http, w => { w.WriteStartObject(); w.WriteBoolean("ready", ready); w.WriteEndObject(); }, ready ? 200 : 400);
        });
        app.MapGet("/v2", (HttpContext http) => RestProtocol.WriteJson(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", ServerContext.ServerName);
            w.WriteString("version", ServerContext.Version);
            w.WriteStartArray("extensions");
            foreach (var e in ServerContext.Extensions)
            {
                w.WriteStringValue(e);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));
        return app;
    }
}
