using Axon.Serving.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary><c>GET /metrics</c>: the server's Prometheus metrics, then the runtime's per-model and per-core ones.</summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext http, ServerContext ctx) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
            string runtime = Metrics.RuntimeMetricsText.Render(ctx.Repository.Loaded(), ctx.StartedAt);
            await http.Response.WriteAsync(runtime, http.RequestAborted);
        });
        return app;
    }
}
