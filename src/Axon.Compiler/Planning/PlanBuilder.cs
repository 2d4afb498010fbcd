using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Graph.Reference;

namespace Axon.Compiler.Planning;

/// <summary>
/// Specializes a graph to concrete input shapes: infers every shape, folds what becomes constant (shape arithmetic),
/// turns view ops into aliases, picks a fast kernel per node (reference op as fallback) and plans the arena.
/// </summary>
public static class PlanBuilder
{
    private static readonly HashSet<string> ViewOps = new(StringComparer.Ordinal) { "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity" };

    public static ExecutionPlan Build(Model model, IReadOnlyDictionary<string, int[]> inputShapes)
    {
        var g = model.Graph;
        var specialized = Specialize(model, inputShapes);
        var inferred = ShapeInference.Infer(specialized);
        var slots = new List<Slot>();
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var outputs = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);

        int Add(Slot s)
        {
            slotOf[s.Name] = slots.Count;
            slots.Add(s);
            return slots.Count - 1;
        }

        foreach (var (name, t) in g.Initializers)
        {
            Add(new Slot(name, SlotKind.Constant, t.DType, t.Shape) { Constant = t, IsGraphOutput = outputs.Contains(name) });
        }
        var inputSlots = new List<int>();
        foreach (var vi in g.RuntimeInputs)
        {
            inputShapes.TryGetValue(vi.Name, out var shape);
            inputSlots.Add(Add(new Slot(vi.Name, SlotKind.Input, vi.Type.ElemType, shape) { IsGraphOutput = outputs.Contains(vi.Name) }));
        }

        var steps = new List<PlanStep>();
        foreach (var node in TopologicalOrder.Sort(g))
        {
            long opset = model.OpsetFor(node.Domain);
            var outNames = node.Outputs.Where(o => o.Length > 0).ToArray();
            // Folded at plan time: every output is a known constant (shape arithmetic once input shapes are bound).
            if (outNames.Length > 0 && outNames.All(o => inferred.Constants.ContainsKey(o) && !outputs.Contains(o)) && node.Subgraphs().Count() == 0)
            {
                foreach (var o in outNames)
                {
                    var c = inferred.Constants[o];
                    Add(new Slot(o, SlotKind.Constant, c.DType, c.Shape) { Constant = c });
                }
                continue;
            }
            var inTypes = node.Inputs.Select(i => i.Length == 0 ? null : TypeOf(i, slots, slotOf, inferred)).ToArray();
            var outTypes = node.Outputs.Select(o => o.Length == 0 ? null : inferred.Types.GetValueOrDefault(o)).ToArray();
            var constants = node.Inputs.Select(i => i.Length > 0 && slotOf.TryGetValue(i, out int s) ? slots[s].Constant : null).ToArray();
            var inIdx = node.Inputs.Select(i => i.Length == 0 ? -1 : slotOf.TryGetValue(i, out int s) ? s : -2).ToArray();
            if (inIdx.Contains(-2))
            {
                // Reads an outer-scope or undefined value: only the reference path can tell; let it raise the error.
                inIdx = inIdx.Select((v, k) => v == -2 ? -1 : v).ToArray();
            }

            bool staticOut = outTypes.All(t => t is null || (t.Kind == TypeKind.Tensor && t.Shape.IsStatic && t.ElemType != DType.String));
            if (ViewOps.Contains(node.OpType) && node.Domain.Length == 0 && staticOut && outNames.Length == 1 && inIdx[0] >= 0
                && slots[inIdx[0]].DType != DType.String && !outputs.Contains(outNames[0]))
            {
                int root = slots[inIdx[0]].Kind == SlotKind.Alias ? slots[inIdx[0]].AliasOf : inIdx[0];
                var t = outTypes[0]!;
                int o = Add(new Slot(outNames[0], SlotKind.Alias, t.ElemType, t.Shape.ToInts()) { AliasOf = root });
                steps.Add(new PlanStep(node, opset, null, null, [inIdx[0]], [o]));
                continue;
            }

            INodeKernel? kernel = null;
            if (staticOut && inTypes.All(t => t is null || (t.Kind == TypeKind.Tensor && t.Shape.IsStatic)))
            {
                kernel = KernelRegistry.Select(new KernelRequest(node, opset, inTypes, outTypes, constants));
            }
            var reference = kernel is null
                ? OpRegistry.Find(node.Domain, node.OpType) ?? throw new AxonCompileException($"{node}: no kernel and no reference implementation for {node.OpType}", "AXC040")
                : null;
            var outIdx = new int[node.Outputs.Count];
            for (int k = 0; k < outIdx.Length; k++)
            {
                string name = node.Outputs[k];
                if (name.Length == 0)
                {
                    outIdx[k] = -1;
                    continue;
                }
                var t = outTypes[k];
                bool planned = kernel is not null && !outputs.Contains(name);
                outIdx[k] = Add(planned
                    ? new Slot(name, SlotKind.Planned, t!.ElemType, t.Shape.ToInts())
                    : new Slot(name, SlotKind.Dynamic, t?.ElemType ?? DType.Undefined, t is { Kind: TypeKind.Tensor } && t.Shape.IsStatic ? t.Shape.ToInts() : null)
                    { IsGraphOutput = outputs.Contains(name) });
            }
            var captures = node.Subgraphs().SelectMany(Axon.Graph.Graph.OuterReads).Distinct()
                .Where(slotOf.ContainsKey).Select(n => (n, slotOf[n])).ToArray();
            steps.Add(new PlanStep(node, opset, kernel, reference, inIdx, outIdx) { Captures = captures });
        }

        var outputSlots = g.Outputs.Select(o => slotOf.TryGetValue(o.Name, out int s) ? s
            : throw new AxonCompileException($"graph output '{o.Name}' is never produced", "AXC041")).ToArray();
        var memory = PlanMemory(slots, steps);
        var offsetOf = memory.Requests.Select((r, i) => (r.Name, memory.Offsets[i])).ToDictionary(t => t.Name, t => t.Item2, StringComparer.Ordinal);
        var placed = slots.Select(s => s.Kind == SlotKind.Planned ? s with { Offset = offsetOf[s.Name] } : s).ToList();
        return new ExecutionPlan
        {
            Graph = g,
            OpsetImports = model.OpsetImports,
            Slots = placed,
            Steps = steps,
            InputSlots = inputSlots.ToArray(),
            OutputSlots = outputSlots,
            Memory = memory,
            InputShapes = inputShapes,
        };
    }

    private static TypeInfo? TypeOf(string name, List<Slot> slots, Dictionary<string, int> slotOf, InferenceResult inferred)
    {
        if (slotOf.TryGetValue(name, out int s) && slots[s].Shape is { } shape)
        {
            return TypeInfo.Tensor(slots[s].DType, SymShape.Of(shape));
        }
        return inferred.Types.GetValueOrDefault(name);
    }

    /// <summary>Lifetimes per planned buffer (an alias keeps its root alive), then greedy placement.</summary>
    private static MemoryPlan PlanMemory(List<Slot> slots, List<PlanStep> steps)
    {
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        int Root(int s) => slots[s].Kind == SlotKind.Alias ? slots[s].AliasOf : s;
        for (int i = 0; i < steps.Count; i++)
        {
            foreach (int o in steps[i].Outputs)
            {
                if (o >= 0 && slots[o].Kind == SlotKind.Planned)
                {
                    first.TryAdd(o, i);
                    last[o] = i;
                }
            }
            foreach (int inp in steps[i].Inputs.Concat(steps[i].Captures.Select(c => c.Slot)))
            {
                if (inp >= 0 && slots[Root(inp)].Kind == SlotKind.Planned)
                {
                    last[Root(inp)] = i;
                }
            }
        }
        var requests = first.Keys.OrderBy(k => k).Select(k =>
        {
            var s = slots[k];
            long bytes = (long)Tensor.CheckedLength(s.Shape!) * s.DType.SizeOf();
            return new BufferRequest(s.Name, bytes, first[k], last[k]);
        }).ToList();
        return MemoryPlanner.Plan(requests);
    }

    /// <summary>A copy of the model whose runtime inputs carry the concrete shapes (symbolic dims bound).</summary>
    internal static Model Specialize(Model model, IReadOnlyDictionary<string, int[]> inputShapes)
    {
        var g = model.Graph.Clone();
        for (int i = 0; i < g.Inputs.Count; i++)
        {
            var vi = g.Inputs[i];
            if (inputShapes.TryGetValue(vi.Name, out var shape) && vi.Type.Kind == TypeKind.Tensor)
            {
                g.Inputs[i] = vi with { Type = TypeInfo.Tensor(vi.Type.ElemType, SymShape.Of(shape)) };
            }
        }
        var m = new Model(g) { IrVersion = model.IrVersion };
        m.OpsetImports.Clear();
        foreach (var kv in model.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        return m;
    }
}
