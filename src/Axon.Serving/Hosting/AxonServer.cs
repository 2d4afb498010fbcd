using System.Net;
using Axon.Serving.Grpc;
using Axon.Serving.Hosting;
using Axon.Serving.Http;
using Axon.Serving.Metrics;
using Axon.Serving.Protocol;
using Axon.Serving.Repository;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Axon.Serving;

/// <summary>
/// The inference server: a model repository served over the KServe v2 protocol, HTTP/REST on one port and gRPC on
/// another, with Prometheus metrics at <c>/metrics</c>.
/// <code>
/// await using var server = await AxonServer.StartAsync(new ServeOptions { Repository = "models" });
/// Console.WriteLine(server.HttpUrl);
/// await server.WaitForShutdownAsync();   // Ctrl-C or SIGTERM: stops accepting, finishes accepted requests
/// </code>
/// </summary>
public sealed class AxonServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerContext _ctx;
    private int _stopped;

    private AxonServer(WebApplication app, ServerContext ctx, Uri http, Uri? grpc)
    {
        _app = app;
        _ctx = ctx;
        HttpUrl = http;
        GrpcUrl = grpc;
    }

    /// <summary>The HTTP/REST base address (e.g. <c>http://127.0.0.1:8000</c>).</summary>
    public Uri HttpUrl { get; }

    /// <summary>The gRPC address, or null when gRPC is off.</summary>
    public Uri? GrpcUrl { get; }

    /// <summary>The models loaded now, as <c>name</c> (version) pairs.</summary>
    public IReadOnlyList<(string Name, string Version)> Models =>
        _ctx.Repository.Loaded().Select(m => (m.Name, m.Version)).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    internal IReadOnlyList<IServedModel> LoadedModels() => _ctx.Repository.Loaded().OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    /// <summary>A ready-to-paste curl request for the first loaded model (null when none is loaded).</summary>
    public string? CurlExample() => Hosting.CurlExample.For(this);

    /// <summary>The repository index (every model on disk with its state and the reason it is not ready, if any).</summary>
    public IReadOnlyList<(string Name, string Version, string State, string Reason)> Index =>
        _ctx.Repository.Index(false).Select(r => (r.Name, r.Version, r.State, r.Reason)).ToList();

    /// <summary>True when every requested model loaded and the server is not stopping.</summary>
    public bool Ready => _ctx.Ready;

    /// <summary>Loads the repository (all models, or those in <see cref="ServeOptions.LoadModels"/> in explicit mode) and starts listening.</summary>
    public static Task<AxonServer> StartAsync(ServeOptions options, CancellationToken ct = default) => StartAsync(options, null, ct);

    internal static async Task<AxonServer> StartAsync(ServeOptions options, Func<ModelSource, IServedModel>? loader, CancellationToken ct = default,
        Action<ILoggingBuilder>? logging = null)
    {
        var repo = new ModelRepository(options.Repository, options.ControlMode, loader);
        try
        {
            if (options.ControlMode == ModelControlMode.All)
            {
                await repo.LoadAllAsync();
            }
            else
            {
                foreach (var name in options.LoadModels)
                {
                    try
                    {
                        await repo.LoadAsync(name);
                    }
                    catch (ServingException)
                    {
                        // Recorded in the index with its reason; the server reports not-ready.
                    }
                }
            }
            var ctx = new ServerContext(repo, options, new ServingMetrics());
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            if (logging is not null)
            {
                logging(builder.Logging);
            }
            builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
            builder.Services.AddSingleton(ctx);
            builder.Services.AddGrpc(g =>
            {
                g.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, options.MaxRequestBytes);
                g.MaxSendMessageSize = null;
            });
            ListenOptions? httpListen = null, grpcListen = null;
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
                var ip = Address(options.Host);
                k.Listen(ip, options.HttpPort, l =>
                {
                    l.Protocols = HttpProtocols.Http1;
                    httpListen = l;
                });
                if (options.GrpcPort >= 0)
                {
                    k.Listen(ip, options.GrpcPort, l =>
                    {
                        l.Protocols = HttpProtocols.Http2;
                        grpcListen = l;
                    });
                }
            });
            var app = builder.Build();
            app.MapHealthEndpoints();
            app.MapModelEndpoints();
            app.MapRepositoryEndpoints();
            app.MapMetricsEndpoints();
            app.MapStatsEndpoints();
            app.MapGrpcService<InferenceGrpcService>();
            app.MapUnimplementedRpcs();
            app.MapFallback((HttpContext http) => RestProtocol.WriteError(http, 404, "AXS043",
                $"no such endpoint: {http.Request.Method} {RepositoryPaths.Clip(http.Request.Path.Value)}"));
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(() => ctx.Stopping = true);
            lifetime.ApplicationStopped.Register(repo.Dispose);
            await app.StartAsync(ct);
            string host = ip(options.Host);
            var http = new Uri($"http://{host}:{httpListen!.IPEndPoint!.Port}");
            var grpc = grpcListen is null ? null : new Uri($"http://{host}:{grpcListen.IPEndPoint!.Port}");
            return new AxonServer(app, ctx, http, grpc);
        }
        catch
        {
            repo.Dispose();
            throw;
        }

        static string ip(string h) => h switch
        {
            "0.0.0.0" or "*" or "localhost" => "127.0.0.1",
            "::" => "[::1]",
            _ when h.Contains(':') => $"[{h}]",
            _ => h,
        };
    }

    private static IPAddress Address(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" => IPAddress.Any,
        _ when IPAddress.TryParse(host, out var a) => a,
        _ => throw new ArgumentException($"--host must be an IP address (127.0.0.1, 0.0.0.0, ::), got '{host}'"),
    };

    /// <summary>Completes when the server has stopped (Ctrl-C, SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    /// <summary>Graceful stop: readiness turns false, no new connections, accepted requests finish (up to the shutdown timeout).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _ctx.Stopping = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _ctx.Repository.Dispose();
    }
}
