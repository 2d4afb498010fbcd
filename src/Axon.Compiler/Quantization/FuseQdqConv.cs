using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Static QDQ convolutions onto the INT8 kernel: DQ(x) and DQ(w) (and DQ(int32 bias) or a float bias) into Conv or
/// axon:FusedConv, an optional Relu/Clip (separate or already fused), then QuantizeLinear becomes one
/// axon:QLinearConv(x_q, x_s, x_zp, w_q, w_s, w_zp, y_s, y_zp, bias_int32) whose clamp [qmin, qmax] is the activation.
/// x and y per tensor; w per tensor or per output channel (axis 0). A float bias is rounded to int32 in units of
/// x_s·w_s[j]. The integer result can differ from the float QDQ graph by one quantization step where the float
/// arithmetic rounds differently (as in every INT8 engine).
/// </summary>
public sealed class FuseQdqConv : PassBase
{
    public override string Name => "fuse-qdq-conv";

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
            var (conv, act, chain) = Producer(qn.Inputs[0], ix, context);
            if (conv is null || chain.Any(replace.ContainsKey))
            {
                continue;
            }
            string activation = act?.Name ?? conv.GetString("activation", "");
            float? alpha = act is null ? conv.HasAttr("activation_alpha") ? conv.GetFloat("activation_alpha", 0) : null : act.Alpha;
            float? beta = act is null ? conv.HasAttr("activation_beta") ? conv.GetFloat("activation_beta", 0) : null : act.Beta;
            if (QdqPattern.Dequantized(conv.Inputs[0], ix) is not { Type: DType.UInt8 or DType.Int8 } xq || xq.ScaleValue.Length != 1
                || QdqPattern.Dequantized(conv.Inputs[1], ix) is not { Type: DType.UInt8 or DType.Int8 } wq || ix.Constant(wq.Q) is not { } w
                || w.Rank < 3 || wq.ScaleValue.Length != 1 && (wq.ScaleValue.Length != w.Shape[0] || wq.Axis != 0)
                || QdqPattern.Clamp(activation, alpha, beta, yq.Scales[0], QdqPattern.Zero(yq, ix), yq.Type) is not var (qmin, qmax))
            {
                continue;
            }
            string biasIn = conv.Inputs.Count > 2 ? conv.Inputs[2] : "";
            var bias = QdqPattern.Bias(biasIn, ix, xq.Scales[0], wq.Scales, w.Shape[0]);
            if (biasIn.Length > 0 && bias is null)
            {
                continue;
            }
            string bName = "";
            if (bias is not null)
            {
                bName = Rewrite.FreshName(graph, qn.Outputs[0] + "_bias_int32", taken);
                inits[bName] = Tensor.FromArray(bias, bias.Length);
            }
            var fused = Rewrite.Fused("QLinearConv",
                [xq.Q, xq.Scale, QdqPattern.ZeroName(xq, graph, taken, inits), wq.Q, wq.Scale, QdqPattern.ZeroName(wq, graph, taken, inits, wq.ScaleValue.Length),
                 yq.Scale, QdqPattern.ZeroName(yq, graph, taken, inits), bName], qn.Outputs, conv.Name);
            foreach (var a in conv.Attributes.Values.Where(a => !a.Name.StartsWith("activation", StringComparison.Ordinal)))
            {
                fused.SetAttr(a);
            }
            fused.SetAttr(Attr.Of("qmin", qmin));
            fused.SetAttr(Attr.Of("qmax", qmax));
            foreach (var n in chain)
            {
                replace[n] = null;
            }
            replace[qn] = fused;
            context.Count(Name, activation.Length > 0 ? "Conv+" + activation : "Conv");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace, inits);
    }

    /// <summary>The Conv (or FusedConv without residual) feeding <paramref name="y"/>, through at most one single-use activation.</summary>
    private static (Node? Conv, FuseActivation.Activation? Act, List<Node> Chain) Producer(string y, GraphIndex ix, PassContext context)
    {
        var chain = new List<Node>();
        if (!ix.SingleUse(y) || ix.Producer(y) is not { } p)
        {
            return (null, null, chain);
        }
        FuseActivation.Activation? act = null;
        if (p.OpType is "Relu" or "Clip" && p.Domain.Length == 0 && FuseActivation.Describe(p, ix, context) is { } a && ix.SingleUse(p.Inputs[0]))
        {
            act = a;
            chain.Add(p);
            p = ix.Producer(p.Inputs[0]);
        }
        bool ok = p is not null && (p.Domain.Length == 0 && p.OpType == "Conv"
            || p.Domain == Rewrite.FusedDomain && p.OpType == "FusedConv" && !EpilogueTargets.HasResidual(p) && (act is null || !EpilogueTargets.HasActivation(p)));
        if (!ok)
        {
            return (null, null, chain);
        }
        chain.Add(p!);
        return (p, act, chain);
    }
}
