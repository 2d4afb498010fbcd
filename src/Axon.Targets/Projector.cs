using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Targets.Lowering;
using Axon.Targets.Simulation;

namespace Axon.Targets;

/// <summary>A model after the compiler's optimization pipeline, ready to be projected at any batch size.</summary>
public sealed class PreparedModel
{
    private readonly Dictionary<string, Workload> _cache = new(StringComparer.Ordinal);

    internal PreparedModel(Model optimized, string name)
    {
        Optimized = optimized;
        Name = name;
        var g = optimized.Graph;
        HasSymbolicBatch = g.RuntimeInputs.Any(i => i.Type.Kind == TypeKind.Tensor && i.Type.Shape.HasRank && i.Type.Shape.Rank > 0 && !i.Type.Shape[0].IsKnown);
    }

    /// <summary>Whether some input's first dimension is symbolic; a model with fixed shapes runs as it is at every batch size.</summary>
    public bool HasSymbolicBatch { get; }

    /// <summary>The optimized graph (Axon.Compiler pipeline output) that projections lower.</summary>
    public Model Optimized { get; }
    public string Name { get; }

    internal Workload Lower(int batch, IReadOnlyDictionary<string, long> dims)
    {
        string key = batch + "|" + string.Join(",", dims.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
        if (!_cache.TryGetValue(key, out var w))
        {
            w = WorkloadLowering.Lower(WorkloadLowering.Bind(Optimized, batch, dims));
            _cache[key] = w;
        }
        return w;
    }
}

/// <summary>Latency and throughput measured on this machine by the runtime (the cpu-local target is measured, not modelled).</summary>
public sealed record CpuMeasurement(int BatchSize, double LatencyMs);

/// <summary>
/// Projects a compiled model onto catalog devices and instances: lowers the optimized graph and runs the device
/// generation's model (NeuronCore tile-level simulation or GPU roofline). Entry point of Axon.Targets.
/// </summary>
public sealed class Projector
{
    public Projector(TargetCatalog catalog) => Catalog = catalog;

    public TargetCatalog Catalog { get; }

    /// <summary>Runs the compiler's pipeline at <paramref name="optLevel"/> (fusions the devices' compilers also do).</summary>
    public static PreparedModel Prepare(Model model, int optLevel = 2, string name = "model") =>
        // No CPU layout selection: NeuronCores and GPUs are projected on the NCHW graph, not on CPU-blocked NCHW16c ops.
        new(Pipelines.For(optLevel, cpuLayout: false).Run(model), name);

    /// <summary>A copy of <paramref name="model"/> whose symbolic input dimensions are fixed (first = batch, others from <paramref name="dims"/>).</summary>
    public static Model BindInputs(Model model, int batch, IReadOnlyDictionary<string, long>? dims = null) =>
        WorkloadLowering.Bind(model, batch, dims ?? new Dictionary<string, long>());

    /// <summary>One core (or one GPU) of <paramref name="device"/> at one batch size.</summary>
    public CoreProjection ProjectCore(PreparedModel model, DeviceSpec device, int batch, string precision, IReadOnlyDictionary<string, long>? dims = null)
    {
        if (batch <= 0)
        {
            throw new AxonInputException($"batch size must be positive, not {batch}", "AXT011");
        }
        int effective = model.HasSymbolicBatch ? batch : 1;
        var p = Simulate(model.Lower(effective, dims ?? new Dictionary<string, long>()), device, Precision.Normalize(precision), effective);
        return effective == batch ? p : p with { Notes = [.. p.Notes, $"the model's inputs have a fixed batch: batch size {batch} projected as one call"] };
    }

    internal static CoreProjection Simulate(Workload w, DeviceSpec d, string precision, int batch) => d.Kind switch
    {
        "neuron" => NeuronSimulator.Simulate(w, d, precision, batch),
        "gpu" => GpuRoofline.Simulate(w, d, precision, batch),
        _ => throw new AxonInputException($"device '{d.Id}' ({d.Kind}) is measured, not modelled: pass a measurement", "AXT008"),
    };

    /// <summary>
    /// A whole instance: one replica per core (per GPU), each running batches of <paramref name="batch"/>; throughput is
    /// replicas x batch / latency. A model whose weights and activations do not fit one core's share of device memory
    /// is reported with <see cref="InstanceProjection.Fits"/> false.
    /// </summary>
    public InstanceProjection ProjectInstance(PreparedModel model, InstanceSpec instance, int batch, string precision,
        IReadOnlyDictionary<string, long>? dims = null)
    {
        var d = Catalog.DeviceOf(instance);
        var core = ProjectCore(model, d, batch, precision, dims);
        var w = model.Lower(core.BatchSize, dims ?? new Dictionary<string, long>());
        return FromCore(instance, d, core, w);
    }

    internal static InstanceProjection FromCore(InstanceSpec instance, DeviceSpec d, CoreProjection core, Workload w)
    {
        int replicas = Math.Max(1, instance.Cores);
        double perCoreBytes = d.MemoryGibPerChip * 1073741824.0 / Math.Max(1, d.CoresPerChip);
        int bytes = Precision.Bytes(core.Precision);
        double need = (double)w.WeightElements * bytes + w.Items.Select(i => (double)(i.InputElements + i.OutputElements) * bytes).DefaultIfEmpty(0).Max();
        bool fits = perCoreBytes <= 0 || need <= perCoreBytes;
        var notes = core.Notes.ToList();
        if (!fits)
        {
            notes.Add($"needs {need / 1073741824.0:F1} GiB per core, {d.Id} has {perCoreBytes / 1073741824.0:F1} GiB");
        }
        return new InstanceProjection
        {
            Instance = instance.Name,
            Target = d.Id,
            BatchSize = core.BatchSize,
            Precision = core.Precision,
            Throughput = fits ? replicas * core.Throughput : 0,
            LatencyMs = core.LatencyMs,
            Bound = core.Bound,
            ErrorBand = core.ErrorBand,
            Replicas = replicas,
            Utilization = core.Utilization,
            Fits = fits,
            Notes = notes,
            Core = core,
        };
    }

    /// <summary>The cpu-local pseudo-instance from a runtime measurement, priced as the catalog's CPU proxy instance.</summary>
    public InstanceProjection Measured(CpuMeasurement m, string precision = "fp32")
    {
        var d = Catalog.Device("cpu");
        return new InstanceProjection
        {
            Instance = "cpu-local",
            Target = "cpu",
            BatchSize = m.BatchSize,
            Precision = precision,
            Throughput = m.LatencyMs > 0 ? m.BatchSize * 1000.0 / m.LatencyMs : 0,
            LatencyMs = m.LatencyMs,
            Bound = Bound.Compute,
            ErrorBand = d.Calibration.ErrorBand,
            Replicas = 1,
            Notes = [$"measured on this machine ({Environment.ProcessorCount} logical cores) by the Axon runtime"],
        };
    }

    /// <summary>The CPU instance whose price stands in for cpu-local: the smallest proxy with at least this machine's vCPUs.</summary>
    public InstanceSpec CpuProxy() =>
        Catalog.Instances.Where(i => i.Device == "cpu").OrderBy(i => i.Vcpu).FirstOrDefault(i => i.Vcpu >= Environment.ProcessorCount)
        ?? Catalog.Instances.Where(i => i.Device == "cpu").OrderByDescending(i => i.Vcpu).FirstOrDefault()
        ?? throw new AxonInputException("the catalog has no CPU instance to price cpu-local with", "AXT003");
}
