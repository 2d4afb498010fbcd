using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axon.Compiler.Artifact;

/// <summary>An optimized graph plus everything the runtime needs to run it without re-running passes.</summary>
public sealed class CompiledModel
{
    public CompiledModel(Axon.Graph.Graph graph, ArtifactMetadata metadata)
    {
        Graph = graph;
        Metadata = metadata;
    }

    public Axon.Graph.Graph Graph { get; }
    public ArtifactMetadata Metadata { get; }
}

/// <summary>The JSON metadata section of a <c>.axon</c> file.</summary>
public sealed record ArtifactMetadata
{
    public string CompilerVersion { get; init; } = CompilerInfo.Version;
    public string SourceHash { get; init; } = "";
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;
    public CompileOptions Options { get; init; } = new();
    public Dictionary<string, long> OpsetImports { get; init; } = [];
    public Dictionary<string, string> ModelMetadata { get; init; } = [];
    public int NodesBefore { get; init; }
    public int NodesAfter { get; init; }
    public Dictionary<string, int> OpHistogramBefore { get; init; } = [];
    public Dictionary<string, int> OpHistogramAfter { get; init; } = [];
    public List<PlanProfile> Profiles { get; init; } = [];
    public Dictionary<string, Dictionary<string, int>> PassStats { get; init; } = [];
}

/// <summary>One batch-size (or bucket) profile: the shapes it was planned for, the kernel per node and the memory plan.</summary>
public sealed record PlanProfile
{
    public Dictionary<string, int> Bindings { get; init; } = [];
    public Dictionary<string, int[]> InputShapes { get; init; } = [];
    public long PeakActivationBytes { get; init; }
    public long NaiveActivationBytes { get; init; }
    public List<PlannedNode> Nodes { get; init; } = [];

    /// <summary>The activation arena: one entry per planned buffer (offset, size, lifetime in steps).</summary>
    public List<PlannedBuffer> Buffers { get; init; } = [];

    /// <summary>Total FLOPs of one inference at this profile's shapes (-1 when some node's cost is unknown).</summary>
    public long Flops { get; init; }
}

/// <summary>One step of a profile's plan: the node, its kernel, its cost at the profile's shapes and its precision.</summary>
/// <param name="Flops">Floating-point operations (-1 = unknown).</param>
/// <param name="Bytes">Bytes read and written (-1 = unknown).</param>
/// <param name="Precision">Element type the node computes in (its first output's type, e.g. float, bfloat16).</param>
public sealed record PlannedNode(string Name, string OpType, string Kernel, long Flops, long Bytes = 0, string Precision = "");

/// <summary>A buffer of the activation arena.</summary>
public sealed record PlannedBuffer(string Name, long Offset, long Bytes, int FirstStep, int LastStep);

public static class CompilerInfo
{
    public static string Version { get; } = typeof(CompilerInfo).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}

internal static class ArtifactJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };
}
