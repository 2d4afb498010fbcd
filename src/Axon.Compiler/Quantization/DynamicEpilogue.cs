using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// The last step of fusing a dequantized INT8 product written in standard ONNX (<see cref="FuseDynamicMatMulInteger"/>,
/// <see cref="FusePerRowMatMulInteger"/>): what follows the dequantized output y is absorbed into the kernel's epilogue in
/// ONNX order while each value has one use (an Add of a constant [N] bias, an Add of a same-shape tensor (residual), then
/// an activation), and the matched nodes are replaced by one axon:DynamicQuantMatMul.
/// </summary>
internal static class DynamicEpilogue
{
    /// <summary>
    /// Marks <paramref name="chain"/> (the matched nodes, the last producing the dequantized output) and the absorbed
    /// epilogue nodes for replacement by axon:DynamicQuantMatMul(x, w, w_scale, bias?, residual?, w_zero?).
    /// </summary>
    public static void Fuse(Axon.Graph.Graph graph, GraphIndex ix, PassContext context, Dictionary<Node, Node?> replace, List<Node> chain,
        string x, string w, string wScale, string wZero, int n, bool perTensor, string name)
    {
        string y = chain[^1].Outputs[0];
        string bias = "", residual = "";
        FuseActivation.Activation? act = null;
        while (ix.SingleUse(y) && ix.Consumers(y)[0] is var next && !replace.ContainsKey(next) && act is null)
        {
            if (next.Domain.Length == 0 && next.OpType == "Add" && GraphIndex.Other(next, y) is { } other && other != y)
            {
                if (bias.Length == 0 && residual.Length == 0 && ix.Constant(other) is { DType: DType.Float32 } b && b.Length == n
                    && b.Shape[^1] == n && b.Rank <= ix.Rank(x))
                {
                    bias = other;
                }
                else if (residual.Length == 0 && ix.Constant(other) is null && SameShape(graph, other, y) && ix.ElemType(other) == DType.Float32)
                {
                    residual = other;
                }
                else
                {
                    break;
                }
            }
            else if (FuseActivation.Describe(next, ix, context) is { } a && next.Inputs[0] == y)
            {
                act = a;
            }
            else
            {
                break;
            }
            chain.Add(next);
            y = next.Outputs[0];
        }
        var fused = Rewrite.Fused("DynamicQuantMatMul", [x, w, wScale, bias, residual, wZero], [y], name, perTensor ? [Attr.Of("per_tensor", 1L)] : []);
        if (act is not null)
        {
            fused.SetAttr(Attr.Of("activation", act.Name));
            if (act.Alpha is float alpha)
            {
                fused.SetAttr(Attr.Of("activation_alpha", alpha));
            }
            if (act.Beta is float beta)
            {
                fused.SetAttr(Attr.Of("activation_beta", beta));
            }
        }
        foreach (var c in chain)
        {
            replace[c] = null;
        }
        replace[chain[^1]] = fused;
    }

    /// <summary>
    /// The residual plausibly has the product's full shape: same rank, no dimension known to differ (batch and sequence
    /// are often unknown here). The kernel checks the concrete shapes when the plan is built and otherwise declines, so a
    /// broadcasting residual still runs correctly (on the reference op).
    /// </summary>
    private static bool SameShape(Axon.Graph.Graph g, string a, string b) =>
        g.TypeOf(a) is { Kind: TypeKind.Tensor } ta && g.TypeOf(b) is { Kind: TypeKind.Tensor } tb && ta.Shape.HasRank && tb.Shape.HasRank
        && ta.Shape.Rank == tb.Shape.Rank && ta.Shape.Rank > 0 && ta.Shape[ta.Shape.Rank - 1].IsKnown
        && Enumerable.Range(0, ta.Shape.Rank).All(i => !(ta.Shape[i].IsKnown && tb.Shape[i].IsKnown) || ta.Shape[i].Value == tb.Shape[i].Value);
}
