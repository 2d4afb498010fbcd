using System.Collections.Concurrent;
using Axon.Compiler.Planning;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;

namespace Axon.Runtime;

/// <summary>
/// A loaded model ready to run: named inputs in, named outputs out. The first run at a new set of input shapes builds
/// and caches an execution plan for them (kernels chosen, arena planned); later runs at those shapes reuse it.
/// Runs may be concurrent: each takes an executor from the plan's pool.
/// </summary>
public sealed class InferenceSession : IDisposable
{
    private readonly Model _model;
    private readonly WorkerPool _pool;
    private readonly bool _ownsPool;
    private readonly ConcurrentDictionary<string, PlanCache> _plans = new(StringComparer.Ordinal);

    public InferenceSession(Model model, WorkerPool? pool = null)
    {
        _model = model;
        _ownsPool = pool is null;
        _pool = pool ?? new WorkerPool(Environment.ProcessorCount);
        Inputs = model.Graph.RuntimeInputs.ToList();
        Outputs = model.Graph.Outputs.ToList();
    }

    /// <summary>Loads an ONNX model file.</summary>
    public static InferenceSession Load(string path, WorkerPool? pool = null) => new(OnnxModel.Load(path), pool);

    public IReadOnlyList<ValueInfo> Inputs { get; }
    public IReadOnlyList<ValueInfo> Outputs { get; }

    /// <summary>The pool <see cref="Run(IReadOnlyDictionary{string, Tensor}, Action{PlanStep, double}?)"/> runs on (the profiler records its threads).</summary>
    internal WorkerPool Pool => _pool;

    /// <summary>The plans built so far (one per distinct input-shape signature).</summary>
    public IEnumerable<ExecutionPlan> Plans => _plans.Values.Select(p => p.Plan);

    /// <summary>Runs the model. Inputs are checked by name, dtype and shape (against the declared, possibly symbolic, dims).</summary>
    public IReadOnlyList<KeyValuePair<string, IValue?>> Run(IReadOnlyDictionary<string, Tensor> inputs) => Run(inputs, null);

    /// <summary>Runs the model and reports each plan step's wall time in milliseconds (for profiling tools).</summary>
    public IReadOnlyList<KeyValuePair<string, IValue?>> Run(IReadOnlyDictionary<string, Tensor> inputs, Action<PlanStep, double>? onStep) =>
        Run(inputs, _pool, onStep);

    /// <summary>Builds (and caches) the plan for these input shapes without running it; returns it (for memory accounting).</summary>
    internal ExecutionPlan Prepare(IReadOnlyDictionary<string, int[]> shapes)
    {
        string key = string.Join(";", Inputs.Where(v => shapes.ContainsKey(v.Name)).Select(v => v.Name + "=" + string.Join("x", shapes[v.Name])));
        return _plans.GetOrAdd(key, _ => new PlanCache(PlanBuilder.Build(_model, shapes))).Plan;
    }

    /// <summary>Runs on a given worker pool (the runtime's replicas share one session, each with its own pool).</summary>
    internal IReadOnlyList<KeyValuePair<string, IValue?>> Run(IReadOnlyDictionary<string, Tensor> inputs, WorkerPool pool, Action<PlanStep, double>? onStep)
    {
        var ordered = new IValue?[Inputs.Count];
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        for (int i = 0; i < Inputs.Count; i++)
        {
            var vi = Inputs[i];
            if (!inputs.TryGetValue(vi.Name, out var t))
            {
                throw new AxonInputException($"input '{vi.Name}' was not given (the model takes: {string.Join(", ", Inputs.Select(x => x.Name))})", "AXON201");
            }
            InputValidator.Check(vi, t);
            ordered[i] = t;
            shapes[vi.Name] = t.Shape;
        }
        foreach (var name in inputs.Keys)
        {
            if (!Inputs.Any(v => v.Name == name))
            {
                throw new AxonInputException($"the model has no input named '{name}' (inputs: {string.Join(", ", Inputs.Select(x => x.Name))})", "AXON202");
            }
        }
        string key = string.Join(";", shapes.Select(kv => kv.Key + "=" + string.Join("x", kv.Value)));
        var cache = _plans.GetOrAdd(key, _ => new PlanCache(PlanBuilder.Build(_model, shapes)));
        var executor = cache.Rent();
        try
        {
            var results = executor.Run(ordered, pool, onStep);
            return Outputs.Select((o, i) => new KeyValuePair<string, IValue?>(o.Name, results[i])).ToList();
        }
        finally
        {
            cache.Return(executor);
        }
    }

    public void Dispose()
    {
        foreach (var c in _plans.Values)
        {
            c.Dispose();
        }
        if (_ownsPool)
        {
            _pool.Dispose();
        }
    }

    private sealed class PlanCache(ExecutionPlan plan) : IDisposable
    {
        private readonly ConcurrentBag<PlanExecutor> _idle = [];

        public ExecutionPlan Plan => plan;

        public PlanExecutor Rent() => _idle.TryTake(out var e) ? e : new PlanExecutor(plan);

        public void Return(PlanExecutor e) => _idle.Add(e);

        public void Dispose()
        {
            while (_idle.TryTake(out var e))
            {
                e.Dispose();
            }
        }
    }
}

/// <summary>Checks a caller's tensor against a declared input: dtype, rank, and every known dim.</summary>
internal static class InputValidator
{
    public static void Check(ValueInfo vi, Tensor t)
    {
        if (vi.Type.Kind != TypeKind.Tensor)
        {
            return;
        }
        if (vi.Type.ElemType != DType.Undefined && t.DType != vi.Type.ElemType)
        {
            throw new AxonInputException($"input '{vi.Name}' must be {vi.Type.ElemType.OnnxName()}, got {t.DType.OnnxName()}", "AXON206");
        }
        if (!vi.Type.Shape.HasRank)
        {
            return;
        }
        var dims = vi.Type.Shape.Dims;
        if (dims.Count != t.Rank)
        {
            throw new AxonInputException($"input '{vi.Name}' must have rank {dims.Count} {vi.Type.Shape}, got shape [{string.Join(",", t.Shape)}]", "AXON207");
        }
        for (int d = 0; d < dims.Count; d++)
        {
            if (dims[d].IsKnown && dims[d].Value != t.Shape[d])
            {
                throw new AxonInputException($"input '{vi.Name}' dimension {d} must be {dims[d].Value} {vi.Type.Shape}, got {t.Shape[d]}", "AXON207");
            }
        }
    }
}
