using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Serving.Protocol;

namespace Axon.Serving.Repository;

/// <summary>
/// The one adapter between the protocol layer and Axon.Runtime: a model version resident in its own
/// <see cref="AxonRuntime"/> (so a reload can bring up the new version beside the old one while the old drains),
/// served through the <see cref="ModelHandle"/>'s dynamic batcher. config.yaml maps onto <see cref="ModelOptions"/>.
/// </summary>
internal sealed class RuntimeModel : IServedModel
{
    private readonly AxonRuntime _runtime;

    public RuntimeModel(ModelSource src)
    {
        Name = src.Name;
        Version = src.Version;
        var config = src.Config;
        MaxBatchSize = config.MaxBatchSize;
        Precision = config.Precision;
        bool axon = src.FilePath.EndsWith(".axon", StringComparison.Ordinal);
        Platform = axon ? "axon_axon" : "onnx_onnxv1";
        var options = Options(src);
        _runtime = new AxonRuntime();
        try
        {
            if (axon)
            {
                Handle = _runtime.Load(src.FilePath, options);
                Inputs = Merge(Handle.Inputs.Select(TensorSpec.From).ToList(), config.Inputs, "input", Name);
                Outputs = Merge(Handle.Outputs.Select(TensorSpec.From).ToList(), config.Outputs, "output", Name);
            }
            else
            {
                // Shape inference first: output types the file leaves open become known for metadata.
                var model = ShapeInference.Run(OnnxModel.Load(src.FilePath));
                Inputs = Merge(model.Graph.RuntimeInputs.Select(TensorSpec.From).ToList(), config.Inputs, "input", Name);
                Outputs = Merge(model.Graph.Outputs.Select(TensorSpec.From).ToList(), config.Outputs, "output", Name);
                Handle = _runtime.Load(model, options);
            }
        }
        catch
        {
            _runtime.Dispose();
            throw;
        }
    }

    public string Name { get; }
    public string Version { get; }
    public string Platform { get; }
    public string Precision { get; }
    public int MaxBatchSize { get; }
    public IReadOnlyList<TensorSpec> Inputs { get; }
    public IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>The runtime's handle: metrics, cores and memory for the exporter.</summary>
    public ModelHandle Handle { get; }

    public async Task<IReadOnlyList<KeyValuePair<string, Tensor>>> InferAsync(IReadOnlyDictionary<string, Tensor> inputs, RequestPolicy policy, CancellationToken ct)
    {
        IReadOnlyDictionary<string, Tensor> results;
        var options = policy == RequestPolicy.Default
            ? null
            : new RequestOptions { Priority = policy.HighPriority ? Priority.High : Priority.Normal, Timeout = policy.Timeout };
        try
        {
            results = await Handle.RunAsync(inputs, options, ct).ConfigureAwait(false);
        }
        catch (QueueFullException e)
        {
            throw ServingException.Unavailable(ServingCodes.QueueFull, $"model '{Name}': {e.Message}; retry later");
        }
        catch (RequestTimeoutException e)
        {
            throw ServingException.Unavailable(ServingCodes.QueueFull, $"model '{Name}': {e.Message}");
        }
        catch (ModelUnloadedException e)
        {
            throw ServingException.Unavailable(ServingCodes.ModelNotReady, $"model '{Name}': {e.Message}");
        }
        var list = new List<KeyValuePair<string, Tensor>>(Outputs.Count);
        foreach (var o in Outputs)
        {
            list.Add(new(o.Name, results[o.Name]));
        }
        return list;
    }

    public void Dispose() => _runtime.Dispose();

    private static ModelOptions Options(ModelSource src)
    {
        var c = src.Config;
        var db = c.DynamicBatching;
        return new ModelOptions
        {
            Name = src.Name,
            Version = int.Parse(src.Version),
            Placement = c.Instance?.Replicas is not null ? Placement.Replicated : Placement.CoreGroup,
            Cores = c.Instance?.Cores is { } n ? Math.Min(n, Environment.ProcessorCount) : null,
            Replicas = c.Instance?.Replicas,
            // config.yaml's precision is auto-cast of the matrix weights (FP32 accumulation), as `axon compile --auto-cast matmult`.
            AutoCast = c.Precision == "fp32" ? Axon.Compiler.AutoCast.None : Axon.Compiler.AutoCast.MatMult,
            AutoCastType = c.Precision == "fp16" ? Axon.Compiler.CastType.Float16 : Axon.Compiler.CastType.BFloat16,
            Batching = c.MaxBatchSize > 0 && db is not null
                ? new BatchingOptions
                {
                    MaxBatchSize = c.MaxBatchSize,
                    MaxQueueDelayMicroseconds = (int)db.MaxQueueDelayMicroseconds,
                    PreferredBatchSizes = db.PreferredBatchSize?.ToArray() ?? [],
                    MaxQueueSize = db.MaxQueueSize is > 0 and var q ? q : 1024,
                }
                : null,
        };
    }

    /// <summary>Config declarations override what the model file says, but must not contradict it.</summary>
    private static List<TensorSpec> Merge(List<TensorSpec> fromModel, List<TensorConfig>? declared, string kind, string model)
    {
        foreach (var d in declared ?? [])
        {
            int i = fromModel.FindIndex(s => s.Name == d.Name);
            if (i < 0)
            {
                throw ServingException.BadRequest(ServingCodes.BadConfig,
                    $"model '{model}': config declares {kind} '{d.Name}' but the model has only {string.Join(", ", fromModel.Select(s => s.Name))}");
            }
            var s = fromModel[i];
            DType dt = d.Datatype is null ? s.DType : Datatypes.Parse(d.Datatype, $"config {kind} '{d.Name}'");
            if (s.DType != DType.Undefined && dt != s.DType)
            {
                throw ServingException.BadRequest(ServingCodes.BadConfig,
                    $"model '{model}': config says {kind} '{d.Name}' is {Datatypes.Name(dt)} but the model says {Datatypes.Name(s.DType)}");
            }
            long[] shape = d.Shape?.ToArray() ?? s.Shape;
            if (d.Shape is not null && s.Shape.Length > 0)
            {
                bool fits = shape.Length == s.Shape.Length && shape.Zip(s.Shape).All(p => p.First == -1 || p.Second == -1 || p.First == p.Second);
                if (!fits)
                {
                    throw ServingException.BadRequest(ServingCodes.BadConfig,
                        $"model '{model}': config shape [{string.Join(",", shape)}] for {kind} '{d.Name}' contradicts the model's [{string.Join(",", s.Shape)}]");
                }
                shape = shape.Zip(s.Shape).Select(p => p.First == -1 ? p.Second : p.First).ToArray();
            }
            fromModel[i] = new TensorSpec(s.Name, dt, shape);
        }
        return fromModel;
    }
}
