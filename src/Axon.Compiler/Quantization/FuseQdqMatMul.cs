using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Static QDQ matrix products onto the INT8 kernel: DQ(a) times DQ(constant b) in MatMul, Gemm (alpha 1, no transA; transB
/// resolved by transposing the int8 weights), axon:FusedMatMul or axon:FusedGemm, with a bias (the product's own, or an
/// Add of DQ(int32) or a float constant [N]), an optional Relu/Clip, then QuantizeLinear, becomes one
/// axon:QLinearMatMul(a_q, a_s, a_zp, b_q [K, N], b_s, b_zp, y_s, y_zp, bias_int32) {qmin, qmax}. a and y per tensor; b per
/// tensor or per column. See <see cref="FuseQdqConv"/> for the rounding note.
/// </summary>
public sealed class FuseQdqMatMul : PassBase
{
    public override string Name => "fuse-qdq-matmul";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var ix = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var qn in graph.Nodes)
        {
            if (QdqPattern.Quantizer(qn, ix) is not { } yq || yq.ScaleValue.Length != 1 || yq.Type is not (DType.UInt8 or DType.Int8))
            {
                continue;
            }
            context.CurrentNode = qn;
            if (Match(qn.Inputs[0], ix, context) is not { } m || m.Chain.Any(replace.ContainsKey))
            {
                continue;
            }
            var p = m.Product;
            bool gemm = p.OpType.EndsWith("Gemm", StringComparison.Ordinal);
            bool transB = gemm && p.GetInt("transB", 0) != 0;
            if (gemm && (p.GetInt("transA", 0) != 0 || p.GetFloat("alpha", 1f) != 1f || p.GetFloat("beta", 1f) != 1f))
            {
                continue;
            }
            string activation = m.Act?.Name ?? p.GetString("activation", "");
            float? alpha = m.Act is null ? p.HasAttr("activation_alpha") ? p.GetFloat("activation_alpha", 0) : null : m.Act.Alpha;
            float? beta = m.Act is null ? p.HasAttr("activation_beta") ? p.GetFloat("activation_beta", 0) : null : m.Act.Beta;
            if (QdqPattern.Dequantized(p.Inputs[0], ix) is not { Type: DType.UInt8 or DType.Int8 } aq || aq.ScaleValue.Length != 1 || ix.Rank(aq.Q) < 2
                || QdqPattern.Dequantized(p.Inputs[1], ix) is not { Type: DType.UInt8 or DType.Int8 } bq || ix.Constant(bq.Q) is not { Rank: 2 } b
                || QdqPattern.Clamp(activation, alpha, beta, yq.Scales[0], QdqPattern.Zero(yq, ix), yq.Type) is not var (qmin, qmax))
            {
                continue;
            }
            int k = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
            // Per column: the scale runs along N, which is axis 1 of [K, N] (axis 0 of a transB [N, K]).
            if (bq.ScaleValue.Length != 1 && (bq.ScaleValue.Length != n || bq.Axis != (transB ? 0 : 1)))
            {
                continue;
            }
            string biasIn = m.Bias ?? (p.Inputs.Count > 2 ? p.Inputs[2] : "");
            if (m.Bias is not null && p.Inputs.Count > 2 && p.Inputs[2].Length > 0)
            {
                continue;
            }
            var bias = QdqPattern.Bias(biasIn, ix, aq.Scales[0], bq.Scales, n);
            if (biasIn.Length > 0 && bias is null)
            {
                continue;
            }
            string bName = "", bMat = bq.Q;
            if (bias is not null)
            {
                bName = Rewrite.FreshName(graph, qn.Outputs[0] + "_bias_int32", taken);
                inits[bName] = Tensor.FromArray(bias, n);
            }
            if (transB)
            {
                bMat = Rewrite.FreshName(graph, bq.Q + "_kn", taken);
                inits[bMat] = Transpose(b);
            }
            var fused = Rewrite.Fused("QLinearMatMul",
                [aq.Q, aq.Scale, QdqPattern.ZeroName(aq, graph, taken, inits), bMat, bq.Scale, QdqPattern.ZeroName(bq, graph, taken, inits, bq.ScaleValue.Length),
                 yq.Scale, QdqPattern.ZeroName(yq, graph, taken, inits), bName], qn.Outputs, p.Name,
                Attr.Of("qmin", qmin), Attr.Of("qmax", qmax));
            foreach (var c in m.Chain)
            {
                replace[c] = null;
            }
            replace[qn] = fused;
            context.Count(Name, p.OpType);
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace, inits);
    }

    private sealed record Found(Node Product, FuseActivation.Activation? Act, string? Bias, List<Node> Chain);

    private static Found? Match(string y, GraphIndex ix, PassContext context)
    {
        var chain = new List<Node>();
        if (!ix.SingleUse(y) || ix.Producer(y) is not { } p)
        {
            return null;
        }
        FuseActivation.Activation? act = null;
        string? bias = null;
        if (p.OpType is "Relu" or "Clip" && p.Domain.Length == 0 && FuseActivation.Describe(p, ix, context) is { } a && ix.SingleUse(p.Inputs[0]))
        {
            act = a;
            chain.Add(p);
            p = ix.Producer(p.Inputs[0]);
        }
        if (p is { OpType: "Add", Domain: "" } && p.Inputs.Count == 2)
        {
            var (l, r) = (ix.Producer(p.Inputs[0]), ix.Producer(p.Inputs[1]));
            int which = IsProduct(l) && ix.SingleUse(p.Inputs[0]) ? 0 : IsProduct(r) && ix.SingleUse(p.Inputs[1]) ? 1 : -1;
            if (which < 0)
            {
                return null;
            }
            bias = p.Inputs[1 - which];
            chain.Add(p);
            p = which == 0 ? l : r;
        }
        if (!IsProduct(p) || p!.Domain == Rewrite.FusedDomain && (EpilogueTargets.HasResidual(p) || act is not null && EpilogueTargets.HasActivation(p))
            || bias is not null && EpilogueTargets.HasActivation(p))
        {
            return null;
        }
        chain.Add(p);
        return new Found(p, act, bias, chain);
    }

    private static bool IsProduct(Node? p) =>
        p is not null && (p.Domain.Length == 0 && p.OpType is "MatMul" or "Gemm" || p.Domain == Rewrite.FusedDomain && p.OpType is "FusedMatMul" or "FusedGemm");

    private static Tensor Transpose(Tensor t)
    {
        int rows = t.Shape[0], cols = t.Shape[1];
        var src = t.Bytes;
        var dst = new byte[src.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                dst[j * rows + i] = src[i * cols + j];
            }
        }
        return Tensor.FromBytes(t.DType, dst, cols, rows);
    }
}
