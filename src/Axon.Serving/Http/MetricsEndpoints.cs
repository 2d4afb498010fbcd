using Axon.Serving.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary><c>GET /metrics</c>: the Prometheus text exposition of <see cref="Metrics.ServingMetrics"/>.</summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", async (HttpContext http, ServerContext ctx) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Metrics.Registry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        });
        return app;
    }
}
