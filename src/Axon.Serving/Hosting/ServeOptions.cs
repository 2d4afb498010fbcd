using Axon.Serving.Repository;

namespace Axon.Serving;

/// <summary>How <see cref="AxonServer"/> serves a model repository.</summary>
public sealed class ServeOptions
{
    /// <summary>The model repository folder (<c>NAME/config.yaml</c>, <c>NAME/VERSION/model.onnx</c>).</summary>
    public required string Repository { get; init; }

    /// <summary>Address to listen on (<c>127.0.0.1</c>, <c>0.0.0.0</c> for every interface, <c>::</c>).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>HTTP/REST port (HTTP/1.1); 0 picks a free port.</summary>
    public int HttpPort { get; init; } = 8000;

    /// <summary>gRPC port (HTTP/2 without TLS); 0 picks a free port, -1 disables gRPC.</summary>
    public int GrpcPort { get; init; } = 8001;

    /// <summary>Load every model at start, or only on request.</summary>
    public ModelControlMode ControlMode { get; init; } = ModelControlMode.All;

    /// <summary>In explicit mode, the models to load at start.</summary>
    public IReadOnlyList<string> LoadModels { get; init; } = [];

    /// <summary>Bearer token for the repository (load/unload/index) API; null disables that API.</summary>
    public string? AdminToken { get; init; }

    /// <summary>When set, inference and metadata calls need <c>Authorization: Bearer KEY</c> (or <c>X-API-Key: KEY</c>).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest request body accepted (HTTP and gRPC message size).</summary>
    public long MaxRequestBytes { get; init; } = 64L << 20;

    /// <summary>How long shutdown waits for accepted requests to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
