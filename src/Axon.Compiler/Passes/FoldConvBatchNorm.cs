using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Folds an inference BatchNormalization into the Conv (or group-1 ConvTranspose) feeding it:
/// s = scale / sqrt(var + eps), W' = W·s per output channel, b' = (b − mean)·s + bias. Needs constant weights and BN
/// parameters and a Conv output read only by the BN.
/// </summary>
public sealed class FoldConvBatchNorm : PassBase
{
    public override string Name => "fold-conv-bn";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bn in graph.Nodes)
        {
            if (bn.OpType != "BatchNormalization" || bn.Domain.Length != 0 || bn.Inputs.Count < 5)
            {
                continue;
            }
            context.CurrentNode = bn;
            // Training mode (attribute from opset 14, or extra outputs in use) updates statistics: not foldable.
            if (bn.GetInt("training_mode", 0) != 0 || bn.Outputs.Skip(1).Any(o => o.Length > 0 && (index.Consumers(o).Count > 0 || index.IsGraphOutput(o))))
            {
                continue;
            }
            var conv = index.Producer(bn.Inputs[0]);
            if (conv is null || conv.Domain.Length != 0 || conv.OpType is not ("Conv" or "ConvTranspose") || !index.SingleUse(bn.Inputs[0]) || replace.ContainsKey(conv))
            {
                continue;
            }
            var w = index.Constant(conv.Inputs[1]);
            var b = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0 ? index.Constant(conv.Inputs[2]) : null;
            bool hasBias = conv.Inputs.Count > 2 && conv.Inputs[2].Length > 0;
            var scale = index.Constant(bn.Inputs[1]);
            var bias = index.Constant(bn.Inputs[2]);
            var mean = index.Constant(bn.Inputs[3]);
            var var_ = index.Constant(bn.Inputs[4]);
            if (w is null || !w.DType.IsFloat() || (hasBias && b is null) || scale is null || bias is null || mean is null || var_ is null || w.Rank < 3)
            {
                continue;
            }
            bool transpose = conv.OpType == "ConvTranspose";
            if (transpose && conv.GetInt("group", 1) != 1)
            {
                continue;
            }
            int channels = transpose ? w.Shape[1] : w.Shape[0];
            if (scale.Length != channels || bias.Length != channels || mean.Length != channels || var_.Length != channels || (b is not null && b.Length != channels))
            {
                continue;
            }
            double eps = bn.GetFloat("epsilon", 1e-5f);
            double[] sd = scale.ToDoubles(), bd = bias.ToDoubles(), md = mean.ToDoubles(), vd = var_.ToDoubles();
            double[] cb = b?.ToDoubles() ?? new double[channels];
            var s = new double[channels];
            var nb = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                s[c] = sd[c] / Math.Sqrt(vd[c] + eps);
                nb[c] = (cb[c] - md[c]) * s[c] + bd[c];
            }
            double[] wd = w.ToDoubles();
            int inner = w.Length / w.Shape[0];
            int kernel = transpose ? inner / w.Shape[1] : inner;
            for (int i = 0; i < wd.Length; i++)
            {
                int c = transpose ? i / kernel % channels : i / inner;
                wd[i] *= s[c];
            }
            string wName = Rewrite.FreshName(graph, conv.Inputs[1] + "_bn", taken);
            string bName = Rewrite.FreshName(graph, (hasBias ? conv.Inputs[2] : conv.Inputs[1]) + "_bn_bias", taken);
            inits[wName] = Tensor.FromDoubles(w.DType, wd, w.Shape);
            inits[bName] = Tensor.FromDoubles(w.DType, nb, channels);
            replace[conv] = null;
            replace[bn] = conv.With(inputs: [conv.Inputs[0], wName, bName], outputs: [bn.Outputs[0]]);
            context.Count(Name, "folded");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace, inits);
    }
}
