using Axon.Serving.Metrics;
using Axon.Serving.Repository;

namespace Axon.Serving.Hosting;

/// <summary>What every endpoint shares: the repository, the options, the metrics and the shutdown flag.</summary>
internal sealed class ServerContext(ModelRepository repository, ServeOptions options, ServingMetrics metrics)
{
    public const string ServerName = "axon";

    public static readonly string[] Extensions = ["binary_tensor_data", "model_repository", "schedule_policy", "statistics"];

    public ModelRepository Repository { get; } = repository;
    public ServeOptions Options { get; } = options;
    public ServingMetrics Metrics { get; } = metrics;
    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public static string Version => typeof(ServerContext).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    private volatile bool _stopping;

    /// <summary>Set when shutdown begins: readiness turns false so load balancers stop sending.</summary>
    public bool Stopping
    {
        get => _stopping;
        set => _stopping = value;
    }

    public bool Ready => !Stopping && Repository.AllReady;
}
