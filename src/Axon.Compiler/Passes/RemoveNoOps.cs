using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Removes operations that do nothing at inference time: Identity, inference Dropout, Cast to the type the value already
/// has, Transpose by the identity permutation (and pairs that cancel, composing pairs that do not), Reshape chains (only the
/// last reshape matters), and Reshape/Expand/Unsqueeze that leave the shape as it is. A value that is a graph output keeps
/// its producer, since its name is part of the model's interface.
/// </summary>
public sealed class RemoveNoOps : PassBase
{
    public override string Name => "remove-noops";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        var alias = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            if (n.Domain.Length != 0 || n.Inputs.Count == 0 || n.Inputs[0].Length == 0)
            {
                continue;
            }
            context.CurrentNode = n;
            if (IsNoOp(n, index, context) && CanAlias(n, index))
            {
                alias[n.Outputs[0]] = n.Inputs[0];
                replace[n] = null;
                context.Count(Name, n.OpType.ToLowerInvariant() + "-removed");
            }
            else if (Simplify(n, index) is { } simpler)
            {
                if (simpler.OpType == "Identity")
                {
                    if (CanAlias(simpler, index))
                    {
                        alias[n.Outputs[0]] = simpler.Inputs[0];
                        replace[n] = null;
                        context.Count(Name, n.OpType.ToLowerInvariant() + "-pairs-cancelled");
                    }
                }
                else
                {
                    replace[n] = simpler;
                    context.Count(Name, n.OpType.ToLowerInvariant() + "-chains-collapsed");
                }
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Aliasing.Apply(graph, replace, alias);
    }

    /// <summary>Readers can be redirected: the output is not a graph output, not read from inside a subgraph, and extra outputs are unused.</summary>
    private static bool CanAlias(Node n, GraphIndex index)
    {
        string y = n.Outputs[0];
        if (index.IsGraphOutput(y) || index.Consumers(y).Any(c => !c.Inputs.Contains(y)))
        {
            return false;
        }
        return n.Outputs.Skip(1).All(o => o.Length == 0 || (!index.IsGraphOutput(o) && index.Consumers(o).Count == 0));
    }

    private static bool IsNoOp(Node n, GraphIndex index, PassContext ctx)
    {
        string x = n.Inputs[0];
        switch (n.OpType)
        {
            case "Identity":
                return true;
            case "Dropout":
                // Before opset 7 Dropout had an is_test switch defaulting to training; from 12 a training_mode input.
                return ctx.Opset() >= 7 && (n.Inputs.Count < 3 || n.Inputs[2].Length == 0 || index.Scalar(n.Inputs[2]) == 0);
            case "Cast":
                var from = index.Constant(x)?.DType ?? index.ElemType(x);
                return from is { } f && f == (DType)n.GetInt("to", -1);
            case "Transpose":
                int rank = index.Rank(x);
                var perm = n.GetInts("perm");
                return perm is not null ? perm.Select((p, i) => p == i).All(b => b) : rank is 0 or 1;
            case "Reshape":
                return index.StaticShape(x) is { } inShape && index.Constant(n.Inputs[1]) is { } s
                    && ReshapeTarget(inShape, s.ToInt64s(), n.GetInt("allowzero", 0) != 0) is { } target && target.SequenceEqual(inShape);
            case "Expand":
                return index.StaticShape(x) is { } xs && index.Constant(n.Inputs[1]) is { } es
                    && es.ToInt64s() is var e && e.Length <= xs.Length
                    && e.Select((d, i) => d == 1 || d == xs[xs.Length - e.Length + i]).All(b => b);
            case "Unsqueeze":
                var axes = ctx.Opset() >= 13 ? (n.Inputs.Count > 1 ? index.Constant(n.Inputs[1])?.ToInt64s() : null) : n.GetInts("axes");
                return axes is { Length: 0 };
            default:
                return false;
        }
    }

    /// <summary>A cheaper equivalent of a Transpose/Reshape fed by another of the same op (an Identity when they cancel).</summary>
    private static Node? Simplify(Node n, GraphIndex index)
    {
        if (n.OpType == "Transpose" && n.GetInts("perm") is { } outer
            && index.Producer(n.Inputs[0], "Transpose") is { } inner && inner.GetInts("perm") is { } p1 && p1.Length == outer.Length)
        {
            // y[j] = t[outer[j]] = x[p1[outer[j]]]
            long[] composed = outer.Select(j => p1[j]).ToArray();
            if (composed.Select((p, i) => p == i).All(b => b))
            {
                return new Node("Identity", [inner.Inputs[0]], n.Outputs, n.Name);
            }
            return new Node("Transpose", [inner.Inputs[0]], n.Outputs, n.Name).SetAttr(Attr.Of("perm", composed));
        }
        if (n.OpType == "Reshape" && n.Inputs.Count == 2 && index.Producer(n.Inputs[0], "Reshape") is { } r
            && index.Constant(n.Inputs[1]) is { } shape
            && (n.GetInt("allowzero", 0) != 0 || !shape.ToInt64s().Contains(0)))
        {
            // A 0 in the outer shape would copy a dim of the intermediate, which the inner reshape chose: not collapsible.
            return n.With(inputs: [r.Inputs[0], n.Inputs[1]]);
        }
        return null;
    }

    /// <summary>The shape Reshape produces (0 copies the input dim unless allowzero, one -1 is inferred), or null if invalid.</summary>
    internal static int[]? ReshapeTarget(int[] inShape, long[] spec, bool allowZero)
    {
        long total = inShape.Aggregate(1L, (a, b) => a * b);
        var r = new long[spec.Length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.Length; i++)
        {
            long d = spec[i];
            if (d == 0 && !allowZero)
            {
                if (i >= inShape.Length)
                {
                    return null;
                }
                d = inShape[i];
            }
            if (d == -1)
            {
                if (infer >= 0)
                {
                    return null;
                }
                infer = i;
                continue;
            }
            r[i] = d;
            known *= d;
        }
        if (infer >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                return null;
            }
            r[infer] = total / known;
        }
        return r.Select(v => (int)v).ToArray();
    }
}
