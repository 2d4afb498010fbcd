using Axon.Compiler.Planning;
using Axon.Graph.Reference;
using Axon.Kernels.Threading;

namespace Axon.Runtime;

/// <summary>
/// Runs one <see cref="ExecutionPlan"/>. The activation arena and the tensor views over it are created once, so a
/// steady-state run allocates only its outputs (which the caller owns). Not thread-safe: a session keeps one executor
/// per concurrent run.
/// </summary>
public sealed class PlanExecutor : IDisposable
{
    private readonly ExecutionPlan _plan;
    private readonly AlignedBuffer? _arena;
    private readonly Tensor?[] _values;
    private readonly Tensor?[] _fixed;
    private readonly ReferenceExecutor _reference;
    // Per-step argument arrays, reused by every run (the executor runs one inference at a time).
    private readonly Tensor?[][] _stepInputs;
    private readonly Tensor[][] _stepOutputs;

    public PlanExecutor(ExecutionPlan plan)
    {
        _plan = plan;
        _arena = plan.ArenaBytes > 0 ? BufferPool.Shared.Rent(plan.ArenaBytes) : null;
        _values = new Tensor?[plan.Slots.Count];
        _fixed = new Tensor?[plan.Slots.Count];
        for (int i = 0; i < plan.Slots.Count; i++)
        {
            var s = plan.Slots[i];
            _fixed[i] = s.Kind switch
            {
                SlotKind.Constant => s.Constant,
                SlotKind.Planned => _arena is null ? Tensor.Create(s.DType, s.Shape!) : Tensor.View(_arena, s.Offset, s.DType, s.Shape!),
                _ => null,
            };
        }
        var model = new Axon.Graph.Model(plan.Graph);
        model.OpsetImports.Clear();
        foreach (var kv in plan.OpsetImports)
        {
            model.OpsetImports[kv.Key] = kv.Value;
        }
        _reference = new ReferenceExecutor(model);
        _stepInputs = plan.Steps.Select(st => new Tensor?[st.Inputs.Length]).ToArray();
        _stepOutputs = plan.Steps.Select(st => new Tensor[st.Outputs.Length]).ToArray();
    }

    public ExecutionPlan Plan => _plan;

    /// <summary>Runs the plan on inputs given in plan input order; returns the graph outputs in order.</summary>
    public IValue?[] Run(IReadOnlyList<IValue?> inputs, WorkerPool pool) => Run(inputs, pool, null);

    /// <summary>As <see cref="Run(IReadOnlyList{IValue?}, WorkerPool)"/>, reporting each step's wall time in milliseconds (profiling).</summary>
    public IValue?[] Run(IReadOnlyList<IValue?> inputs, WorkerPool pool, Action<PlanStep, double>? onStep)
    {
        var slots = _plan.Slots;
        var values = new IValue?[slots.Count];
        for (int i = 0; i < slots.Count; i++)
        {
            values[i] = _fixed[i];
        }
        for (int k = 0; k < _plan.InputSlots.Length; k++)
        {
            values[_plan.InputSlots[k]] = inputs[k];
        }
        var steps = _plan.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            long started = onStep is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            RunStep(i, step, values, slots, pool);
            onStep?.Invoke(step, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return CollectOutputs(values, slots);
    }

    private void RunStep(int index, PlanStep step, IValue?[] values, IReadOnlyList<Slot> slots, WorkerPool pool)
    {
        if (step.Kernel is null && step.Reference is null)
        {
            var src = (Tensor)values[step.Inputs[0]]!;
            values[step.Outputs[0]] = src.Reshape(slots[step.Outputs[0]].Shape!);
            return;
        }
        if (step.Kernel is not null)
        {
            var ins = _stepInputs[index];
            for (int k = 0; k < ins.Length; k++)
            {
                ins[k] = step.Inputs[k] >= 0 ? values[step.Inputs[k]] as Tensor : null;
            }
            var outs = _stepOutputs[index];
            for (int k = 0; k < outs.Length; k++)
            {
                int o = step.Outputs[k];
                if (o < 0)
                {
                    continue;
                }
                outs[k] = _fixed[o] ?? Tensor.CreateUninitialized(slots[o].DType, slots[o].Shape!);
                values[o] = outs[k];
            }
            step.Kernel.Execute(ins, outs, pool);
            return;
        }
        var args = new IValue?[step.Inputs.Length];
        for (int k = 0; k < args.Length; k++)
        {
            args[k] = step.Inputs[k] >= 0 ? values[step.Inputs[k]] : null;
        }
        Dictionary<string, IValue?>? outer = null;
        if (step.Captures.Length > 0)
        {
            outer = new Dictionary<string, IValue?>(StringComparer.Ordinal);
            foreach (var (name, slot) in step.Captures)
            {
                outer[name] = values[slot];
            }
        }
        var results = _reference.RunNode(step.Node, step.Opset, args, outer);
        for (int k = 0; k < step.Outputs.Length; k++)
        {
            if (step.Outputs[k] >= 0)
            {
                var r = k < results.Length ? results[k] : null;
                // A reference op may return a view of its input; never let one outlive an arena slice the planner reuses.
                values[step.Outputs[k]] = r is Tensor t && _arena is not null && t.Buffer == _arena ? t.Clone() : r;
            }
        }
    }

    private IValue?[] CollectOutputs(IValue?[] values, IReadOnlyList<Slot> slots)
    {
        var outputs = new IValue?[_plan.OutputSlots.Length];
        for (int k = 0; k < outputs.Length; k++)
        {
            var v = values[_plan.OutputSlots[k]];
            // Outputs never alias the arena or a constant: the caller owns them past the next run.
            outputs[k] = v is Tensor t && (t.Buffer == _arena || slots[_plan.OutputSlots[k]].Kind is SlotKind.Constant or SlotKind.Alias or SlotKind.Input) ? t.Clone() : v;
        }
        return outputs;
    }

    public void Dispose() => _arena?.Dispose();
}
