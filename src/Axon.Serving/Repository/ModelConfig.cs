using Axon.Serving.Protocol;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Axon.Serving.Repository;

/// <summary>
/// <c>models/&lt;name&gt;/config.yaml</c>: how one model is served. Every key is optional; an unknown key is an error
/// (a typo must not silently fall back to a default).
/// <code>
/// max_batch_size: 32
/// dynamic_batching: { preferred_batch_size: [8, 16], max_queue_delay_microseconds: 500 }
/// instance: { cores: 2 }          # or { replicas: 2 }
/// precision: fp32                 # fp32 | bf16 | fp16
/// inputs:  [ { name: input, datatype: FP32, shape: [-1, 1, 28, 28] } ]
/// outputs: [ { name: logits, datatype: FP32, shape: [-1, 10] } ]
/// </code>
/// </summary>
internal sealed class ModelConfig
{
    public int MaxBatchSize { get; set; }
    public DynamicBatchingConfig? DynamicBatching { get; set; }
    public InstanceConfig? Instance { get; set; }
    public string Precision { get; set; } = "fp32";
    public List<TensorConfig>? Inputs { get; set; }
    public List<TensorConfig>? Outputs { get; set; }

    public static readonly string[] Precisions = ["fp32", "bf16", "fp16"];

    /// <summary>Parses and validates; any problem is a <see cref="ServingException"/> naming the file and key.</summary>
    public static ModelConfig Parse(string yaml, string source)
    {
        ModelConfig? c;
        try
        {
            var d = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
            c = d.Deserialize<ModelConfig?>(yaml);
        }
        catch (YamlException e)
        {
            string why = e.InnerException?.Message ?? e.Message;
            throw Bad(source, $"line {e.Start.Line}: {why}");
        }
        c ??= new ModelConfig();
        c.Validate(source);
        return c;
    }

    public static ModelConfig Load(string path, string source) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), source) : new ModelConfig();

    private void Validate(string source)
    {
        if (MaxBatchSize is < 0 or > 65536)
        {
            throw Bad(source, $"max_batch_size must be in 0..65536, got {MaxBatchSize}");
        }
        if (DynamicBatching is { } db)
        {
            if (MaxBatchSize == 0)
            {
                throw Bad(source, "dynamic_batching needs max_batch_size > 0");
            }
            foreach (int p in db.PreferredBatchSize ?? [])
            {
                if (p < 1 || p > MaxBatchSize)
                {
                    throw Bad(source, $"dynamic_batching.preferred_batch_size {p} must be in 1..max_batch_size ({MaxBatchSize})");
                }
            }
            if (db.MaxQueueDelayMicroseconds is < 0 or > 10_000_000)
            {
                throw Bad(source, $"dynamic_batching.max_queue_delay_microseconds must be in 0..10000000, got {db.MaxQueueDelayMicroseconds}");
            }
            if (db.MaxQueueSize is < 0)
            {
                throw Bad(source, $"dynamic_batching.max_queue_size must be >= 0, got {db.MaxQueueSize}");
            }
        }
        if (Instance is { } inst)
        {
            if (inst.Cores is not null && inst.Replicas is not null)
            {
                throw Bad(source, "instance: give either cores or replicas, not both");
            }
            if (inst.Cores is < 1 or > 1024 || inst.Replicas is < 1 or > 1024)
            {
                throw Bad(source, "instance.cores and instance.replicas must be in 1..1024");
            }
        }
        Precision = (Precision ?? "fp32").ToLowerInvariant();
        if (!Precisions.Contains(Precision))
        {
            throw Bad(source, $"precision must be one of {string.Join(", ", Precisions)}, got '{Precision}'");
        }
        CheckTensors(Inputs, "inputs", source);
        CheckTensors(Outputs, "outputs", source);
    }

    private static void CheckTensors(List<TensorConfig>? list, string key, string source)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list ?? [])
        {
            if (string.IsNullOrEmpty(t.Name))
            {
                throw Bad(source, $"{key}: every entry needs a name");
            }
            if (!seen.Add(t.Name))
            {
                throw Bad(source, $"{key}: '{t.Name}' appears twice");
            }
            if (t.Datatype is not null && !Datatypes.TryParse(t.Datatype, out _))
            {
                throw Bad(source, $"{key}.{t.Name}: unknown datatype '{t.Datatype}'");
            }
            if (t.Shape is { } s && s.Any(d => d < -1))
            {
                throw Bad(source, $"{key}.{t.Name}: dims must be >= -1 (-1 = any size)");
            }
        }
    }

    private static ServingException Bad(string source, string message) =>
        ServingException.BadRequest(ServingCodes.BadConfig, $"{source}: {message}");
}

/// <summary>The <c>dynamic_batching</c> section.</summary>
internal sealed class DynamicBatchingConfig
{
    public List<int>? PreferredBatchSize { get; set; }
    public long MaxQueueDelayMicroseconds { get; set; } = 100;
    public int? MaxQueueSize { get; set; }
}

/// <summary>The <c>instance</c> section: cores for one instance, or several replicas.</summary>
internal sealed class InstanceConfig
{
    public int? Cores { get; set; }
    public int? Replicas { get; set; }
}

/// <summary>An input or output declaration; overrides what the model file says (e.g. an output type the file leaves open).</summary>
internal sealed class TensorConfig
{
    public string Name { get; set; } = "";
    public string? Datatype { get; set; }
    public List<long>? Shape { get; set; }
}
