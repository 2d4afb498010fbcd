using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses the decomposed layer norm that PyTorch exports,
/// <c>d = x − ReduceMean(x); y = d / Sqrt(ReduceMean(Pow(d, 2)) + eps) · γ + β</c> over the last axis, into
/// LayerNormalization (opset ≥ 17) or axon:LayerNorm.
/// </summary>
public sealed class FuseLayerNorm : PassBase
{
    public override string Name => "fuse-layernorm";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var root in graph.Nodes)
        {
            if (root.OpType != "Add" || root.Domain.Length != 0)
            {
                continue;
            }
            context.CurrentNode = root;
            if (Match(root, index, context) is { } fused)
            {
                replace[root] = fused;
                context.Count(Name, "fused");
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    private static Node? Match(Node root, GraphIndex ix, PassContext ctx)
    {
        // root = Add(Mul(Div(d, Sqrt(Add(ReduceMean(Pow(d, 2)), eps))), gamma), beta), operands in either order
        if (!ConstOperand(root, ix, "Mul", out var mul, out var beta) || beta.Rank != 1)
        {
            return null;
        }
        if (!ConstOperand(mul, ix, "Div", out var div, out var gamma) || gamma.Rank != 1 || gamma.Length != beta.Length)
        {
            return null;
        }
        string d = div.Inputs[0];
        var sqrt = ix.Producer(div.Inputs[1], "Sqrt");
        var sub = ix.Producer(d, "Sub");
        if (sqrt is null || sub is null || !ix.SingleUse(div.Inputs[1]) || !ix.SingleUse(div.Outputs[0]))
        {
            return null;
        }
        var addEps = ix.Producer(sqrt.Inputs[0], "Add");
        if (addEps is null || !ix.SingleUse(sqrt.Inputs[0]))
        {
            return null;
        }
        string? varName = addEps.Inputs.FirstOrDefault(i => ix.Producer(i, "ReduceMean") is not null);
        string? epsName = varName is null ? null : GraphIndex.Other(addEps, varName);
        if (varName is null || epsName is null || ix.Scalar(epsName) is not double eps || !ix.SingleUse(varName))
        {
            return null;
        }
        var varMean = ix.Producer(varName, "ReduceMean")!;
        var pow = ix.Producer(varMean.Inputs[0]);
        bool squares = pow is not null && ix.SingleUse(varMean.Inputs[0])
            && ((pow.OpType == "Pow" && pow.Domain.Length == 0 && pow.Inputs[0] == d && ix.IsScalar(pow.Inputs[1], 2))
                || (pow.OpType == "Mul" && pow.Domain.Length == 0 && pow.Inputs[0] == d && pow.Inputs[1] == d));
        if (!squares)
        {
            return null;
        }
        // d feeds exactly the squaring and the division.
        var dUsers = ix.Consumers(d);
        if (ix.IsGraphOutput(d) || dUsers.Count != 2 || !dUsers.Contains(pow!) || !dUsers.Contains(div))
        {
            return null;
        }
        string x = sub.Inputs[0];
        var mean = ix.Producer(sub.Inputs[1], "ReduceMean");
        if (mean is null || mean.Inputs[0] != x || !ix.SingleUse(sub.Inputs[1]) || !LastAxis(mean, x, ix, ctx) || !LastAxis(varMean, d, ix, ctx))
        {
            return null;
        }
        var attrs = new[] { Attr.Of("axis", -1L), Attr.Of("epsilon", (float)eps) };
        string[] inputs = [x, NameOf(mul, div), NameOf(root, mul)];
        if (ctx.Opset() >= 17)
        {
            var n = new Node("LayerNormalization", inputs, [root.Outputs[0]], root.Name);
            foreach (var a in attrs)
            {
                n.SetAttr(a);
            }
            return n;
        }
        return Rewrite.Fused("LayerNorm", inputs, [root.Outputs[0]], root.Name, attrs);
    }

    /// <summary>The operand of a binary node that is not <paramref name="other"/>'s output.</summary>
    private static string NameOf(Node binary, Node other) => GraphIndex.Other(binary, other.Outputs[0])!;

    /// <summary>Binary <paramref name="n"/> has one operand produced by <paramref name="op"/> (read only here) and one constant.</summary>
    internal static bool ConstOperand(Node n, GraphIndex ix, string op, out Node producer, out Tensor constant)
    {
        producer = null!;
        constant = null!;
        if (n.Inputs.Count != 2)
        {
            return false;
        }
        for (int k = 0; k < 2; k++)
        {
            if (ix.Producer(n.Inputs[k], op) is { } p && ix.SingleUse(n.Inputs[k]) && ix.Constant(n.Inputs[1 - k]) is { } c)
            {
                producer = p;
                constant = c;
                return true;
            }
        }
        return false;
    }

    /// <summary>The ReduceMean keeps dims and reduces exactly the last axis of <paramref name="input"/>.</summary>
    private static bool LastAxis(Node reduce, string input, GraphIndex ix, PassContext ctx)
    {
        if (reduce.GetInt("keepdims", 1) != 1)
        {
            return false;
        }
        long[]? axes = ctx.Opset() >= 18
            ? (reduce.Inputs.Count > 1 && reduce.Inputs[1].Length > 0 ? ix.Constant(reduce.Inputs[1])?.ToInt64s() : null)
            : reduce.GetInts("axes");
        if (axes is not { Length: 1 })
        {
            return false;
        }
        int rank = ix.Rank(input);
        return axes[0] == -1 || (rank > 0 && axes[0] == rank - 1);
    }
}
