using Axon.Graph;
using Axon.Graph.Analysis;

namespace Axon.Training;

using Graph = Axon.Graph.Graph;

/// <summary>
/// Reverse-mode differentiation on the IR: turns a forward graph that computes a scalar loss into a
/// <see cref="TrainingGraph"/> whose extra nodes compute the gradient of the loss with respect to each parameter.
/// Each operator's backward rule lives in its own file under <c>Autograd/Rules/</c>; the backward nodes are ordinary
/// ONNX ops plus a few fused gradient ops in the "axon" domain (ConvGradInput, ReluGrad, ...), so the training graph
/// runs on the same compiler, kernels and reference executor as inference.
/// </summary>
public static class Autograd
{
    /// <summary>
    /// Builds the training graph. <paramref name="parameters"/> defaults to every float initializer the loss depends
    /// on. BatchNormalization nodes in training mode (training_mode = 1) turn their running mean/var initializers
    /// into state: fed as inputs, with the updated statistics as outputs (<see cref="TrainingGraph.StateOf"/>).
    /// </summary>
    public static TrainingGraph Build(Graph forwardWithLoss, string lossOutput, IEnumerable<string>? parameters = null)
    {
        var fwd = forwardWithLoss;
        if (!fwd.Outputs.Any(o => o.Name == lossOutput) && !fwd.Nodes.Any(n => n.Outputs.Contains(lossOutput)))
        {
            throw new AxonModelException($"autograd: the graph has no value named '{lossOutput}' to use as the loss", "AXG001");
        }
        var g = fwd.Clone();
        g.Nodes.Clear();
        g.Nodes.AddRange(TopologicalOrder.Sort(fwd));

        // State: BatchNorm running statistics in training mode.
        var stateOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var stateInit = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Nodes.Where(n => n.OpType == "BatchNormalization" && n.GetInt("training_mode", 0) != 0))
        {
            for (int i = 3; i <= 4; i++)
            {
                if (n.Inputs.Count > i && g.Initializers.ContainsKey(n.Inputs[i]) && n.Outputs.Count > i - 2 && n.Outputs[i - 2].Length > 0)
                {
                    stateOf[n.Inputs[i]] = n.Outputs[i - 2];
                    stateInit.Add(n.Inputs[i]);
                }
            }
        }

        var paramList = SelectParameters(g, lossOutput, parameters, stateInit);
        var initial = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var dataInputs = g.RuntimeInputs.Select(i => i.Name).ToList();
        foreach (var p in paramList.Concat(stateOf.Keys))
        {
            var t = g.Initializers[p];
            initial[p] = t;
            g.Initializers.Remove(p);
            g.Inputs.RemoveAll(i => i.Name == p);
            g.Inputs.Add(new ValueInfo(p, TypeInfo.Tensor(t.DType, t.SymShape)));
        }

        var model = new Model(g);
        model.OpsetImports["axon"] = 1;
        var types = ShapeInference.Infer(model);
        var requires = Requires(g, paramList);
        if (!requires.Contains(lossOutput))
        {
            throw new AxonModelException($"autograd: the loss '{lossOutput}' does not depend on any parameter", "AXG002");
        }
        var lossType = types.TypeOf(lossOutput);
        if (lossType is { Kind: TypeKind.Tensor, Shape.HasRank: true } lt && !(lt.Shape.IsStatic && lt.Shape.ToInts().All(d => d == 1)))
        {
            throw new AxonModelException($"autograd: the loss '{lossOutput}' must be a scalar, it is {lt}", "AXG001");
        }

        int forwardCount = g.Nodes.Count;
        var forwardNodes = g.Nodes.ToList();
        var ctx = new GradContext(g, types, requires);
        var lossShape = lossType is { Kind: TypeKind.Tensor, Shape.IsStatic: true } ls ? ls.Shape.ToInts() : [];
        var dt = lossType.ElemType == DType.Undefined ? DType.Float32 : lossType.ElemType;
        ctx.Contribute(lossOutput, ctx.AddConst("loss_seed", Tensor.FromDoubles(dt, Enumerable.Repeat(1.0, Math.Max(1, lossShape.Aggregate(1, (a, b) => a * b))).ToArray(), lossShape)));

        for (int k = forwardNodes.Count - 1; k >= 0; k--)
        {
            var node = forwardNodes[k];
            if (!node.Outputs.Any(ctx.HasContributions) || !node.Inputs.Any(i => i.Length > 0 && requires.Contains(i)))
            {
                continue;
            }
            var rule = GradRules.Find(node.Domain, node.OpType)
                ?? throw new AxonUnsupportedException($"autograd: {node}: no gradient rule for {(node.Domain.Length > 0 ? node.Domain + ":" : "")}{node.OpType} (rules exist for: {string.Join(", ", GradRules.Ops)})");
            ctx.Node = node;
            rule.Backward(ctx);
        }

        var gradOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputs = new List<ValueInfo>();
        var lossVi = g.Outputs.FirstOrDefault(o => o.Name == lossOutput) ?? new ValueInfo(lossOutput, TypeInfo.Unknown);
        outputs.Add(lossVi);
        outputs.AddRange(g.Outputs.Where(o => o.Name != lossOutput));
        foreach (var p in paramList)
        {
            string name = ctx.Fresh(p + ".grad");
            string grad = ctx.GradOf(p) ?? ctx.AddConst("zero_grad", Tensor.Create(initial[p].DType, initial[p].Shape));
            g.Nodes.Add(new Node("Identity", [grad], [name], name));
            gradOf[p] = name;
            outputs.Add(new ValueInfo(name, TypeInfo.Tensor(initial[p].DType, initial[p].SymShape)));
        }
        foreach (var kv in stateOf)
        {
            if (!outputs.Any(o => o.Name == kv.Value))
            {
                outputs.Add(new ValueInfo(kv.Value, TypeInfo.Tensor(initial[kv.Key].DType, initial[kv.Key].SymShape)));
            }
        }
        g.Outputs.Clear();
        g.Outputs.AddRange(outputs);
        g.Name = fwd.Name + "_training";
        _ = forwardCount;
        return new TrainingGraph(g, lossOutput, paramList, gradOf, dataInputs, stateOf, initial);
    }

    private static List<string> SelectParameters(Graph g, string loss, IEnumerable<string>? requested, HashSet<string> state)
    {
        if (requested is not null)
        {
            var list = requested.Distinct().ToList();
            foreach (var p in list)
            {
                if (!g.Initializers.TryGetValue(p, out var t))
                {
                    throw new AxonModelException($"autograd: parameter '{p}' is not an initializer of the graph", "AXG004");
                }
                if (!t.DType.IsFloat())
                {
                    throw new AxonModelException($"autograd: parameter '{p}' is {t.DType.OnnxName()}, parameters must be floating point", "AXG004");
                }
                if (state.Contains(p))
                {
                    throw new AxonModelException($"autograd: '{p}' is BatchNorm running state, not a trainable parameter", "AXG004");
                }
            }
            return list;
        }
        var candidates = g.Initializers.Where(kv => kv.Value.DType.IsFloat() && !state.Contains(kv.Key)).Select(kv => kv.Key).ToList();
        var ancestors = Ancestors(g, loss);
        return candidates.Where(c => ancestors.Contains(c) && Requires(g, [c]).Contains(loss)).ToList();
    }

    /// <summary>Values computed (through differentiable float paths) from the parameters.</summary>
    private static HashSet<string> Requires(Graph g, IEnumerable<string> sources)
    {
        var req = new HashSet<string>(sources, StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (NonDifferentiable.Contains(n.OpType)
                || !n.Inputs.Where((i, k) => !(k > 0 && DataOnlyInputs.Contains(n.OpType))).Any(i => i.Length > 0 && req.Contains(i)))
            {
                continue;
            }
            foreach (var o in n.Outputs.Where(o => o.Length > 0))
            {
                req.Add(o);
            }
        }
        return req;
    }

    private static HashSet<string> Ancestors(Graph g, string value)
    {
        var producers = g.Producers();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>([value]);
        while (stack.Count > 0)
        {
            var v = stack.Pop();
            if (!seen.Add(v) || !producers.TryGetValue(v, out var n))
            {
                continue;
            }
            foreach (var i in n.Inputs.Where(i => i.Length > 0))
            {
                stack.Push(i);
            }
        }
        return seen;
    }

    /// <summary>Ops whose inputs after the first are settings (ratio, shapes, pads), never differentiated.</summary>
    private static readonly HashSet<string> DataOnlyInputs = new(StringComparer.Ordinal)
    {
        "Dropout", "Reshape", "Expand", "Pad", "Slice", "Split", "Squeeze", "Unsqueeze", "ReduceSum", "ReduceMean", "Tile",
    };

    /// <summary>Ops whose outputs carry no gradient (shapes, indices, comparisons).</summary>
    private static readonly HashSet<string> NonDifferentiable = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "ArgMax", "ArgMin", "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Not", "And", "Or",
        "NonZero", "ConstantOfShape", "Range", "OneHot", "IsNaN", "IsInf", "Sign", "Floor", "Ceil", "Round",
    };
}
