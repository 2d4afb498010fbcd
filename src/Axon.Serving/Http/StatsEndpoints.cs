using System.Diagnostics;
using System.Globalization;
using Axon.Serving.Hosting;
using Axon.Serving.Metrics;
using Axon.Serving.Protocol;
using Axon.Serving.Repository;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Axon.Serving.Http;

/// <summary>
/// Statistics: <c>GET /v2/axon/stats[?window=1s][&amp;model=NAME]</c>, everything <c>axon monitor</c> and <c>axon top</c>
/// read (see <see cref="StatsReport"/>), and the KServe statistics extension
/// <c>GET /v2/models[/{model}[/versions/{version}]]/stats</c>. Both need the API key when the server has one.
/// </summary>
internal static class StatsEndpoints
{
    private static readonly Process Self = Process.GetCurrentProcess();

    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2/axon/stats", (HttpContext http, ServerContext ctx) => RestProtocol.Guard(http, () =>
        {
            RestProtocol.CheckApiKey(http, ctx);
            var window = Window(http.Request.Query["window"].FirstOrDefault());
            var models = Select(ctx, http.Request.Query["model"].FirstOrDefault(), null);
            return RestProtocol.WriteJson(http, w =>
            {
                lock (Self)
                {
                    StatsReport.Write(w, ctx, models, window, Self);
                }
            });
        }));
        app.MapGet("/v2/models/stats", (HttpContext http, ServerContext ctx) => KServe(http, ctx, null, null));
        app.MapGet("/v2/models/{model}/stats", (HttpContext http, ServerContext ctx, string model) => KServe(http, ctx, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}/stats", (HttpContext http, ServerContext ctx, string model, string version) =>
            KServe(http, ctx, model, version));
        return app;
    }

    private static Task KServe(HttpContext http, ServerContext ctx, string? model, string? version) => RestProtocol.Guard(http, () =>
    {
        RestProtocol.CheckApiKey(http, ctx);
        var models = Select(ctx, model, version);
        return RestProtocol.WriteJson(http, w => KServeModelStats.WriteJson(w, models));
    });

    /// <summary>Every loaded version, or those of one model (404 naming the loaded models when it is not loaded).</summary>
    internal static IReadOnlyList<IServedModel> Select(ServerContext ctx, string? model, string? version)
    {
        var loaded = ctx.Repository.Loaded().OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Version, StringComparer.Ordinal).ToList();
        if (model is null)
        {
            return loaded;
        }
        RepositoryPaths.CheckName(model);
        var picked = loaded.Where(m => m.Name == model && (version is null || m.Version == version)).ToList();
        if (picked.Count == 0)
        {
            string names = loaded.Count == 0 ? "none" : string.Join(", ", loaded.Select(m => m.Name).Distinct());
            throw loaded.Any(m => m.Name == model)
                ? ServingException.NotFound(ServingCodes.UnknownVersion, $"model '{model}' has no loaded version {version}")
                : ServingException.NotFound(ServingCodes.UnknownModel, $"model '{model}' is not loaded (loaded models: {names})");
        }
        return picked;
    }

    /// <summary>A latency window: seconds (<c>2</c>, <c>0.5</c>) or with a unit (<c>500ms</c>, <c>1s</c>, <c>1m</c>); default 1 s.</summary>
    internal static TimeSpan Window(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.FromSeconds(1);
        }
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1e-3)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v * scale is >= 0.001 and <= 3600))
        {
            throw ServingException.BadRequest(ServingCodes.BadWindow, $"window '{RepositoryPaths.Clip(text)}' is not a duration between 1ms and 1h (e.g. 1s, 500ms, 2)");
        }
        return TimeSpan.FromSeconds(v * scale);
    }
}
