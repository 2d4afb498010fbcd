using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Kernels.Threading;
using Axon.Runtime;
using Axon.Serving.Protocol;

namespace Axon.Serving.Repository;

/// <summary>
/// The one adapter between the protocol layer and Axon.Runtime: a model version served by an
/// <see cref="InferenceSession"/> on its own worker pool. Concurrent requests are admitted up to the configured replicas.
/// </summary>
internal sealed class RuntimeModel : IServedModel
{
    private readonly InferenceSession _session;
    private readonly WorkerPool _pool;
    private readonly SemaphoreSlim _slots;
    private readonly int _queueLimit;
    private int _waiting;

    public RuntimeModel(string name, string version, Model model, ModelConfig config, string platform)
    {
        Name = name;
        Version = version;
        Platform = platform;
        MaxBatchSize = config.MaxBatchSize;
        var typed = ShapeInference.Run(model);
        int cores = config.Instance?.Cores ?? Environment.ProcessorCount;
        int replicas = config.Instance?.Replicas ?? 1;
        _pool = new WorkerPool(Math.Max(1, config.Instance?.Replicas is not null ? 1 : cores), $"axon-{name}");
        _session = new InferenceSession(typed, _pool);
        _slots = new SemaphoreSlim(Math.Max(1, replicas * 2));
        _queueLimit = config.DynamicBatching?.MaxQueueSize is > 0 and var q ? q : int.MaxValue;
        Inputs = Merge(_session.Inputs.Select(TensorSpec.From).ToList(), config.Inputs, "input", name);
        Outputs = Merge(_session.Outputs.Select(TensorSpec.From).ToList(), config.Outputs, "output", name);
    }

    public string Name { get; }
    public string Version { get; }
    public string Platform { get; }
    public int MaxBatchSize { get; }
    public IReadOnlyList<TensorSpec> Inputs { get; }
    public IReadOnlyList<TensorSpec> Outputs { get; }

    public async Task<IReadOnlyList<KeyValuePair<string, Tensor>>> InferAsync(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _waiting) > _queueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            throw ServingException.Unavailable(ServingCodes.QueueFull, $"model '{Name}': the request queue is full ({_queueLimit}); retry later");
        }
        try
        {
            await _slots.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        try
        {
            var results = _session.Run(inputs);
            var list = new List<KeyValuePair<string, Tensor>>(results.Count);
            foreach (var (k, v) in results)
            {
                if (v is not Tensor t)
                {
                    throw ServingException.BadRequest(ServingCodes.ModelFailed, $"model '{Name}': output '{k}' is not a tensor and cannot be served");
                }
                list.Add(new(k, t));
            }
            return list;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _pool.Dispose();
        _slots.Dispose();
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
