using Axon.Graph;
using Axon.Graph.Ops;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses chains (trees) of FP32 elementwise ops into one axon:FusedElementwise node whose program runs in one pass over
/// memory. A value joins its consumer's chain when it is read once and never escapes as a graph output. Every input the
/// chain reads must broadcast to the output as one contiguous block of axes (full size, a scalar, a bias over the last
/// axes, a per-channel scale), which is what the fused kernel can walk without index arithmetic per axis.
/// </summary>
public sealed class FuseElementwiseChains : PassBase
{
    /// <summary>Longest chain fused into one node (the kernel keeps one tile per step on the stack).</summary>
    public const int MaxSteps = 24;

    /// <summary>Most distinct inputs one fused node reads.</summary>
    public const int MaxInputs = 16;

    public override string Name => "fuse-elementwise";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var position = new Dictionary<Node, int>();
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            position[graph.Nodes[i]] = i;
        }
        var replace = new Dictionary<Node, Node?>();
        // Walk roots from the end: a root is an elementwise node whose output does not flow, single-use, into another one.
        for (int r = graph.Nodes.Count - 1; r >= 0; r--)
        {
            var root = graph.Nodes[r];
            if (replace.ContainsKey(root) || Step(root, index, context) is null || FeedsChain(root, index, context))
            {
                continue;
            }
            context.CurrentNode = root;
            var members = new List<Node>();
            Collect(root, index, context, members);
            if (members.Count < 2)
            {
                continue;
            }
            members.Sort((a, b) => position[a].CompareTo(position[b]));
            if (Build(members, root, index, context) is not { } fused)
            {
                context.Count(Name, "skipped (broadcast the kernel cannot walk)");
                continue;
            }
            foreach (var m in members)
            {
                replace[m] = null;
            }
            replace[root] = fused;
            context.Count(Name, "chains");
            context.Count(Name, "ops fused", members.Count);
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    private static bool FeedsChain(Node n, GraphIndex index, PassContext ctx) =>
        index.SingleUse(n.Outputs[0]) && Step(index.Consumers(n.Outputs[0])[0], index, ctx) is not null;

    /// <summary>Adds the tree rooted at <paramref name="n"/>: inputs produced single-use by elementwise nodes, while it fits.</summary>
    private static void Collect(Node n, GraphIndex index, PassContext ctx, List<Node> members)
    {
        members.Add(n);
        foreach (var v in n.Inputs.Distinct())
        {
            if (members.Count < MaxSteps && index.SingleUse(v) && index.Producer(v) is { } p && Step(p, index, ctx) is not null)
            {
                Collect(p, index, ctx, members);
            }
        }
    }

    /// <summary>The program step for an elementwise FP32 node (op name and parameters), or null when it is not one.</summary>
    internal static (string Op, Dictionary<string, float> Params, int Operands)? Step(Node n, GraphIndex index, PassContext ctx)
    {
        if (n.Outputs.Count != 1 || n.Inputs.Count == 0 || index.ElemType(n.Outputs[0]) != DType.Float32
            || n.Inputs.Any(i => i.Length == 0))
        {
            return null;
        }
        var p = new Dictionary<string, float>(StringComparer.Ordinal);
        string op;
        if (n.Domain == Rewrite.FusedDomain)
        {
            op = n.OpType switch
            {
                "Gelu" => n.GetString("approximate", "none") == "tanh" ? "GeluTanh" : "Gelu",
                "Silu" => "Silu",
                _ => "",
            };
        }
        else if (n.Domain.Length != 0)
        {
            return null;
        }
        else if (ElementwiseProgram.BinaryOps.Contains(n.OpType))
        {
            op = n.Inputs.Count == 2 ? n.OpType : "";
        }
        else
        {
            op = n.OpType;
            switch (op)
            {
                case "Gelu":
                    op = n.GetString("approximate", "none") == "tanh" ? "GeluTanh" : "Gelu";
                    break;
                case "LeakyRelu":
                    p["alpha"] = n.GetFloat("alpha", 0.01f);
                    break;
                case "HardSigmoid":
                    p["alpha"] = n.GetFloat("alpha", 0.2f);
                    p["beta"] = n.GetFloat("beta", 0.5f);
                    break;
                case "Clip":
                    if (!ClipBounds(n, index, ctx, p))
                    {
                        return null;
                    }
                    break;
                case "Silu" or "GeluTanh":
                    op = "";
                    break;
            }
            if (!ElementwiseProgram.UnaryOps.Contains(op) || (op != "Clip" && n.Inputs.Count != 1))
            {
                return null;
            }
        }
        if (op.Length == 0)
        {
            return null;
        }
        int operands = ElementwiseProgram.BinaryOps.Contains(op) ? 2 : 1;
        for (int i = 0; i < operands; i++)
        {
            if ((index.Constant(n.Inputs[i])?.DType ?? index.ElemType(n.Inputs[i])) != DType.Float32)
            {
                return null;
            }
        }
        return (op, p, operands);
    }

    private static bool ClipBounds(Node n, GraphIndex index, PassContext ctx, Dictionary<string, float> p)
    {
        if (ctx.Opset() < 11)
        {
            if (n.HasAttr("min")) { p["min"] = n.GetFloat("min", float.NegativeInfinity); }
            if (n.HasAttr("max")) { p["max"] = n.GetFloat("max", float.PositiveInfinity); }
            return n.Inputs.Count == 1;
        }
        for (int k = 1; k < n.Inputs.Count; k++)
        {
            if (index.Scalar(n.Inputs[k]) is not double d)
            {
                return false;
            }
            p[k == 1 ? "min" : "max"] = (float)d;
        }
        return true;
    }

    private static Node? Build(List<Node> members, Node root, GraphIndex index, PassContext ctx)
    {
        var outShape = index.Graph.TypeOf(root.Outputs[0]) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;
        if (!outShape.HasRank)
        {
            return null;
        }
        var inputs = new List<string>();
        var temps = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = new List<ElementwiseStep>();
        foreach (var m in members)
        {
            var (op, prms, count) = Step(m, index, ctx) ?? default;
            if (op is null)
            {
                return null;
            }
            var operands = new List<string>();
            foreach (var v in m.Inputs.Take(count))
            {
                if (temps.TryGetValue(v, out int ti))
                {
                    operands.Add("t" + ti);
                    continue;
                }
                int xi = inputs.IndexOf(v);
                if (xi < 0)
                {
                    if (inputs.Count == MaxInputs || !Walkable(v, outShape, index))
                    {
                        return null;
                    }
                    inputs.Add(v);
                    xi = inputs.Count - 1;
                }
                operands.Add("x" + xi);
            }
            temps[m.Outputs[0]] = steps.Count;
            steps.Add(new ElementwiseStep(op, operands, prms));
        }
        string program = new ElementwiseProgram(steps).ToString();
        return Rewrite.Fused("FusedElementwise", inputs, [root.Outputs[0]], root.Name, Attr.Of("program", program));
    }

    /// <summary>
    /// True when <paramref name="v"/> broadcasts to <paramref name="output"/> as one contiguous block of axes: the same
    /// shape (symbols included), or static non-1 axes that sit side by side and match the output's there.
    /// </summary>
    private static bool Walkable(string v, SymShape output, GraphIndex index)
    {
        SymShape s = index.Constant(v) is { } c ? SymShape.Of(c.Shape)
            : index.Graph.TypeOf(v) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;
        if (!s.HasRank || s.Rank > output.Rank)
        {
            return false;
        }
        if (s.Rank == output.Rank && s.Dims.All(d => d.IsKnown || d.IsSymbolic) && s.Equals(output))
        {
            return true;
        }
        if (!s.IsStatic)
        {
            return false;
        }
        int shift = output.Rank - s.Rank, hi = -1;
        for (int d = 0; d < s.Rank; d++)
        {
            if (s[d].Value == 1)
            {
                continue;
            }
            if (output[d + shift] != s[d] || (hi >= 0 && hi != d - 1))
            {
                return false;
            }
            hi = d;
        }
        return true;
    }
}
