using System.CommandLine;
using System.Net;
using Axon.Serving;
using Axon.Serving.Repository;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon serve [REPOSITORY] [--http-port 8000] [--grpc-port 8001]</c>: serves a model repository over the KServe v2
/// protocol (HTTP and gRPC) until Ctrl-C or SIGTERM. Without REPOSITORY it serves the default <c>models/</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliIO io)
    {
        var repo = new Argument<string?>("repository") { Description = "the model repository folder (default: models/ of this checkout or beside axon)", Arity = ArgumentArity.ZeroOrOne };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP/REST port (0 = any free port)", DefaultValueFactory = _ => 8000 };
        var grpcPort = new Option<int>("--grpc-port") { Description = "gRPC port (0 = any free port, -1 = no gRPC)", DefaultValueFactory = _ => 8001 };
        var host = new Option<string>("--host") { Description = "address to listen on (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var mode = new Option<string>("--model-control-mode") { Description = "all: load every model at start; explicit: load through the repository API (and --load-model)", DefaultValueFactory = _ => "all" };
        var load = new Option<string[]>("--load-model") { Description = "in explicit mode, a model to load at start (repeatable)", Arity = ArgumentArity.ZeroOrMore };
        var maxBody = new Option<long>("--max-request-bytes") { Description = "largest request body accepted", DefaultValueFactory = _ => 64L << 20 };
        var cmd = new Command("serve", "Serve a model repository over the KServe v2 / Triton protocol (HTTP and gRPC)")
        {
            repo, httpPort, grpcPort, host, mode, load, maxBody,
        };
        cmd.SetAction(p =>
        {
            var options = new ServeOptions
            {
                Repository = FindRepository(p.GetValue(repo)),
                HttpPort = Port(p.GetValue(httpPort), "--http-port", allowOff: false),
                GrpcPort = Port(p.GetValue(grpcPort), "--grpc-port", allowOff: true),
                Host = IPAddress.TryParse(p.GetValue(host), out _) || p.GetValue(host) is "localhost" or "*"
                    ? p.GetValue(host)!
                    : throw new UsageException($"--host must be an IP address such as 127.0.0.1 or 0.0.0.0, got '{p.GetValue(host)}'"),
                ControlMode = p.GetValue(mode) switch
                {
                    "all" or "none" => ModelControlMode.All,
                    "explicit" => ModelControlMode.Explicit,
                    var v => throw new UsageException($"--model-control-mode must be all or explicit, not '{v}'"),
                },
                LoadModels = p.GetValue(load) ?? [],
                MaxRequestBytes = p.GetValue(maxBody) is > 0 and var b ? b : throw new UsageException("--max-request-bytes must be positive"),
                AdminToken = Environment.GetEnvironmentVariable("AXON_ADMIN_TOKEN") is { Length: > 0 } t ? t : null,
                ApiKey = Environment.GetEnvironmentVariable("AXON_API_KEY") is { Length: > 0 } k ? k : null,
            };
            return Serve(io, options);
        });
        return cmd;
    }

    private static int Serve(CliIO io, ServeOptions options)
    {
        var server = AxonServer.StartAsync(options).GetAwaiter().GetResult();
        try
        {
            var o = io.Out;
            o.WriteLine($"axon serve: repository {options.Repository} (model control mode {options.ControlMode.ToString().ToLowerInvariant()})");
            foreach (var (name, version, state, reason) in server.Index)
            {
                o.WriteLine($"  {name,-24} {(version.Length > 0 ? "version " + version : ""),-12} {state}{(reason.Length > 0 ? "  " + reason : "")}");
            }
            o.WriteLine($"HTTP   {server.HttpUrl}  (KServe v2 REST; health /v2/health/ready, metrics /metrics)");
            if (server.GrpcUrl is { } g)
            {
                o.WriteLine($"gRPC   {g.Host}:{g.Port}  (inference.GRPCInferenceService)");
            }
            o.WriteLine($"repository API {(options.AdminToken is null ? "disabled (set AXON_ADMIN_TOKEN to enable)" : "enabled (bearer AXON_ADMIN_TOKEN)")}; " +
                        $"inference {(options.ApiKey is null ? "open" : "needs AXON_API_KEY")}");
            if (server.CurlExample() is { } curl)
            {
                o.WriteLine("Try:");
                o.WriteLine($"  curl -s {server.HttpUrl.ToString().TrimEnd('/')}/v2/models/{server.Models[0].Name}");
                o.WriteLine("  " + curl);
            }
            o.WriteLine("Ctrl-C or SIGTERM stops the server after the accepted requests finish.");
            o.Flush();
            server.WaitForShutdownAsync().GetAwaiter().GetResult();
            io.Out.WriteLine("axon serve: stopped");
            return CliHost.Ok;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static int Port(int port, string name, bool allowOff) =>
        port is >= 0 and <= 65535 || allowOff && port == -1
            ? port
            : throw new UsageException($"{name} must be in 0..65535{(allowOff ? " (or -1 for off)" : "")}, got {port}");

    /// <summary>The given folder, else <c>models/</c> in the current folder or a parent checkout, else beside the executable.</summary>
    internal static string FindRepository(string? given)
    {
        if (given is not null)
        {
            return Directory.Exists(given) ? given : throw new UsageException($"model repository '{given}' does not exist");
        }
        for (var d = new DirectoryInfo(Environment.CurrentDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "models");
            if (Directory.Exists(candidate) && (d.FullName == Environment.CurrentDirectory || File.Exists(Path.Combine(d.FullName, "Axon.sln"))))
            {
                return candidate;
            }
        }
        string beside = Path.Combine(AppContext.BaseDirectory, "models");
        return Directory.Exists(beside)
            ? beside
            : throw new UsageException("no model repository given and no models/ folder found here, in a parent checkout or beside axon");
    }
}
