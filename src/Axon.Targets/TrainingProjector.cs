using Axon.Targets.Lowering;
using Axon.Targets.Simulation;

namespace Axon.Targets;

/// <summary>Projected data-parallel training on one instance type (or several nodes of it).</summary>
public sealed record TrainingProjection
{
    public required string Instance { get; init; }
    public required string Target { get; init; }
    public required int MicroBatch { get; init; }
    public required string Precision { get; init; }
    public required int Nodes { get; init; }

    /// <summary>Samples per second over all nodes.</summary>
    public required double SamplesPerSecond { get; init; }
    public required double StepMs { get; init; }
    public required double ComputeMs { get; init; }
    public required double AllReduceMs { get; init; }
    public required double OptimizerMs { get; init; }
    public required double ErrorBand { get; init; }
    public required Bound Bound { get; init; }
}

/// <summary>
/// Training step = forward + backward (each matrix product becomes two more: input and weight gradients; vector work
/// runs twice) simulated with the device model, an AdamW update that streams 16 bytes per parameter (FP32 master
/// weight, gradient, two moments) through device memory, and a ring all-reduce of the gradients over the instance's
/// accelerator links and then the network between nodes, overlapped with the backward pass (dedicated collective
/// engines on Trainium, NCCL streams on GPUs).
/// </summary>
public static class TrainingProjector
{
    internal static Workload WithBackward(Workload forward)
    {
        var items = new List<WorkItem>(forward.Items);
        foreach (var f in forward.Items.Reverse())
        {
            switch (f.Kind)
            {
                case WorkKind.Matmul:
                    items.Add(f with { Node = f.Node + "/grad_in", M = f.M, K = f.N, N = f.K, WeightElements = 0, InputElements = f.OutputElements, OutputElements = f.InputElements, VectorElements = 0, ScalarPasses = 0, VectorPasses = 0 });
                    items.Add(f with { Node = f.Node + "/grad_w", Batches = f.Batches, M = f.K, K = f.M, N = f.N, WeightElements = 0, InputElements = f.InputElements + f.OutputElements, OutputElements = f.WeightElements, VectorElements = f.OutputElements, ScalarPasses = 1, VectorPasses = 0 });
                    break;
                case WorkKind.Vector:
                    items.Add(f with { Node = f.Node + "/grad", VectorPasses = f.VectorPasses + 1, InputElements = f.InputElements + f.OutputElements });
                    break;
                case WorkKind.Move:
                    items.Add(f with { Node = f.Node + "/grad" });
                    break;
            }
        }
        return new Workload(items, forward.WeightElements, forward.InputElements, forward.OutputElements);
    }

    internal static TrainingProjection Project(Workload forward, InstanceSpec instance, DeviceSpec d, string precision, int microBatch, int nodes)
    {
        var step = Projector.Simulate(WithBackward(forward), d, Precision.Normalize(precision), microBatch);
        double computeS = step.LatencyMs / 1e3;
        double gradBytes = forward.WeightElements * (double)Math.Max(2, Precision.Bytes(step.Precision));
        int cores = Math.Max(1, instance.Cores);
        // One chip: its cores reduce through device memory. Several: the accelerator links (NeuronLink, NVSwitch), or
        // the host network when the catalog lists none (PCIe-only GPU boxes; pessimistic).
        double intraBw = (instance.Chips <= 1 ? d.MemoryGbpsPerChip / 2
            : instance.PeerToPeerGbytes > 0 ? instance.PeerToPeerGbytes : instance.NetworkGbps / 8) * 1e9;
        double allReduce = cores > 1 ? 2.0 * (cores - 1) / cores * gradBytes / intraBw : 0;
        if (nodes > 1)
        {
            allReduce += 2.0 * (nodes - 1) / nodes * gradBytes / (instance.NetworkGbps / 8 * 1e9);
        }
        double memBps = d.MemoryGbpsPerChip * 1e9 / Math.Max(1, d.CoresPerChip);
        double optimizer = forward.WeightElements * 16.0 / memBps;
        double stepS = Math.Max(computeS, allReduce) + optimizer;
        return new TrainingProjection
        {
            Instance = instance.Name,
            Target = d.Id,
            MicroBatch = microBatch,
            Precision = step.Precision,
            Nodes = nodes,
            SamplesPerSecond = nodes * cores * microBatch / stepS,
            StepMs = stepS * 1e3,
            ComputeMs = computeS * 1e3,
            AllReduceMs = allReduce * 1e3,
            OptimizerMs = optimizer * 1e3,
            ErrorBand = Math.Min(0.5, d.Calibration.ErrorBand + 0.1),
            Bound = allReduce > computeS ? Bound.Memory : step.Bound,
        };
    }

    /// <summary>Training of a prepared model on an instance: <paramref name="microBatch"/> samples per core per step.</summary>
    public static TrainingProjection Project(PreparedModel model, TargetCatalog catalog, InstanceSpec instance, string precision,
        int microBatch, int nodes = 1, IReadOnlyDictionary<string, long>? dims = null) =>
        Project(model.Lower(microBatch, dims ?? new Dictionary<string, long>()), instance, catalog.DeviceOf(instance), precision, microBatch, nodes);
}
