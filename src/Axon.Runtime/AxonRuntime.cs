using Axon.Graph;

namespace Axon.Runtime;

/// <summary>
/// The Axon runtime: owns a set of logical cores and the models resident on them. Load a model (<c>.onnx</c>,
/// <c>.axon</c> or an in-memory <see cref="Model"/>), then run it synchronously or through its dynamic batcher:
/// <code>
/// using var runtime = new AxonRuntime();
/// using var model = runtime.Load("model.onnx", new ModelOptions { Batching = new BatchingOptions { MaxBatchSize = 16 } });
/// var outputs = await model.RunAsync(new Dictionary&lt;string, Tensor&gt; { ["x"] = x });
/// </code>
/// </summary>
public sealed class AxonRuntime : IDisposable
{
    private readonly LogicalCore[] _cores;
    private readonly long? _memoryLimit;
    private readonly bool _pin;
    private readonly object _gate = new();
    private readonly List<ModelHandle> _resident = [];
    private bool _disposed;

    /// <summary>Creates a runtime over the cores in <paramref name="options"/>, else <c>AXON_VISIBLE_CORES</c>, else <c>AXON_NUM_CORES</c>, else all.</summary>
    public AxonRuntime(RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        _cores = CoreList.Resolve(options.Cores).Select(i => new LogicalCore(i)).ToArray();
        _memoryLimit = options.MemoryLimitBytes;
        // The deployment named the CPUs (as NEURON_RT_VISIBLE_CORES does): hold the threads to them. Cores given in code
        // are often just a count for a measurement, so those pin only when asked.
        bool visible = options.Cores is not { Count: > 0 } && Environment.GetEnvironmentVariable("AXON_VISIBLE_CORES") is { Length: > 0 };
        _pin = CpuAffinity.Wanted(options.PinThreads, visible);
        Models = new ModelRegistry(this);
    }

    /// <summary>The logical cores this runtime owns.</summary>
    public IReadOnlyList<LogicalCore> Cores => _cores;

    /// <summary>True when replica threads are pinned to their cores (see <see cref="RuntimeOptions.PinThreads"/>).</summary>
    public bool PinsThreads => _pin && CpuAffinity.Supported;

    /// <summary>The resident models.</summary>
    public ModelRegistry Models { get; }

    /// <summary>Bytes accounted by all resident models.</summary>
    public long MemoryBytes
    {
        get
        {
            lock (_gate)
            {
                return _resident.Sum(m => m.MemoryBytes);
            }
        }
    }

    /// <summary>Loads a model file (<c>.onnx</c> is optimized at <see cref="ModelOptions.OptimizationLevel"/>; <c>.axon</c> runs as compiled).</summary>
    public ModelHandle Load(string path, ModelOptions? options = null) => Register(LoadUnregistered(ModelLoader.FromPath(path, options ?? new ModelOptions())));

    /// <summary>Loads an in-memory model (optimized at <see cref="ModelOptions.OptimizationLevel"/>).</summary>
    public ModelHandle Load(Model model, ModelOptions? options = null) => Register(LoadUnregistered(ModelLoader.FromModel(model, options ?? new ModelOptions())));

    private ModelHandle Register(ModelHandle handle)
    {
        try
        {
            Models.Add(handle);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Places a loaded model on cores, plans its memory, checks the limits and creates its replicas and batcher.</summary>
    internal ModelHandle LoadUnregistered(LoadedModel loaded)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var o = loaded.Options;
        if (Models.Contains(loaded.Name, loaded.Version))
        {
            throw new AxonException($"model '{loaded.Name}' version {loaded.Version} is already loaded (unload it, reload, or pick another version)", "AXR004");
        }
        int n = o.Cores ?? _cores.Length;
        if (n < 1 || n > _cores.Length)
        {
            throw new AxonException($"model '{loaded.Name}' asks for {n} cores; the runtime owns {_cores.Length} ({string.Join(",", _cores.Select(c => c.Id))})", "AXR003");
        }
        if (o.Replicas is < 1)
        {
            throw new AxonException($"model '{loaded.Name}': Replicas must be >= 1", "AXR003");
        }
        // Least-loaded cores first, so several models spread over the runtime.
        var cores = _cores.OrderBy(c => c.Models.Count).ThenBy(c => c.MemoryBytes).ThenBy(c => c.Id).Take(n).OrderBy(c => c.Id).ToArray();
        var groups = o.Placement == Placement.Replicated
            ? Enumerable.Range(0, o.Replicas ?? n).Select(i => (IReadOnlyList<LogicalCore>)[cores[i % n]]).ToList()
            : [cores];
        var session = new InferenceSession(loaded.Model, Axon.Kernels.Threading.WorkerPool.Inline);
        var rules = new ShapeRules(session.Inputs, session.Outputs, loaded.Profiles, loaded.Buckets);
        long arena;
        try
        {
            arena = MemoryEstimate.ArenaBytes(session, rules, o.Batching);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        long total = loaded.WeightBytes + arena * groups.Count;
        string what = $"model '{loaded.Name}' needs {Format(total)} ({Format(loaded.WeightBytes)} weights + {groups.Count} x {Format(arena)} arena)";
        if (o.MemoryLimitBytes is { } limit && total > limit)
        {
            session.Dispose();
            throw new ModelMemoryException($"{what}, over its MemoryLimitBytes of {Format(limit)}");
        }
        lock (_gate)
        {
            long used = _resident.Sum(m => m.MemoryBytes);
            if (_memoryLimit is { } rl && used + total > rl)
            {
                session.Dispose();
                throw new ModelMemoryException($"{what}, but the runtime has {Format(rl - used)} of its {Format(rl)} limit left ({_resident.Count} models resident)");
            }
        }
        string label = $"{loaded.Name}:{loaded.Version}";
        var replicas = groups.Select((g, i) => new Replica(i, session, g, loaded.Name, _pin)).ToList();
        var handle = new ModelHandle(loaded, replicas, session, rules, Release) { ArenaBytes = arena };
        foreach (var r in replicas)
        {
            long share = (loaded.WeightBytes / groups.Count + arena) / r.Cores.Count;
            foreach (var c in r.Cores)
            {
                c.Attach(label, share);
            }
        }
        lock (_gate)
        {
            _resident.Add(handle);
        }
        return handle;
    }

    private void Release(ModelHandle handle)
    {
        string label = handle.ToString();
        long weightShare = handle.WeightBytes / handle.ReplicaCores.Count;
        foreach (var cores in handle.ReplicaCores)
        {
            foreach (var c in cores)
            {
                c.Detach(label, (weightShare + handle.ArenaBytes) / cores.Count);
            }
        }
        lock (_gate)
        {
            _resident.Remove(handle);
        }
        Models.Forget(handle);
    }

    internal static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.##} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>Unloads (drains) every model.</summary>
    public void Dispose()
    {
        List<ModelHandle> all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            all = [.. _resident];
        }
        foreach (var m in all)
        {
            m.Dispose();
        }
    }
}
