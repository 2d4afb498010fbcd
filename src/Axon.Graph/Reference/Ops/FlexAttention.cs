namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ai.onnx.preview FlexAttention: scores = Q K^T * scale (rank-4 inputs, GQA by contiguous head groups), then the optional
/// score_mod subgraph, softmax over keys, the optional prob_mod subgraph, and Y = probs V. The subgraphs see the score
/// tensor in softmax_precision (float32 unless the inputs are double).
/// </summary>
[Op("FlexAttention", Domain = "ai.onnx.preview")]
internal sealed class FlexAttention : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var qt = ctx.Input(0);
        var kt = ctx.Input(1);
        var vt = ctx.Input(2);
        if (qt.Rank != 4 || kt.Rank != 4 || vt.Rank != 4)
        {
            throw ctx.Error("Q, K and V must be rank-4 (batch, heads, sequence, size)");
        }
        int b = qt.Shape[0], hq = qt.Shape[1], l = qt.Shape[2], e = qt.Shape[3];
        int hkv = kt.Shape[1], s = kt.Shape[2], ev = vt.Shape[3];
        if (kt.Shape[0] != b || vt.Shape[0] != b || vt.Shape[1] != hkv || vt.Shape[2] != s || kt.Shape[3] != e)
        {
            throw ctx.Error("Q, K and V shapes do not agree");
        }
        if (hkv == 0 || hq % hkv != 0)
        {
            throw ctx.Error($"q heads {hq} must be a multiple of kv heads {hkv}");
        }
        int group = hq / hkv;
        double scale = ctx.Node.HasAttr("scale") ? ctx.Float("scale", 0) : 1 / Math.Sqrt(e);
        var precision = ctx.Node.HasAttr("softmax_precision")
            ? (DType)ctx.Int("softmax_precision", 1)
            : qt.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var q = qt.ToDoubles();
        var k = kt.ToDoubles();
        var v = vt.ToDoubles();
        var scores = new double[b * hq * l * s];
        for (int bh = 0; bh < b * hq; bh++)
        {
            int kvBase = (bh / hq * hkv + bh % hq / group) * s;
            for (int i = 0; i < l; i++)
            {
                for (int j = 0; j < s; j++)
                {
                    double acc = 0;
                    for (int d = 0; d < e; d++)
                    {
                        acc += q[(bh * l + i) * e + d] * k[(kvBase + j) * e + d];
                    }
                    scores[(bh * l + i) * s + j] = acc * scale;
                }
            }
        }
        int[] scoreShape = [b, hq, l, s];
        scores = Modify(ctx, "score_mod", scores, scoreShape, precision);
        // Softmax rounds through the softmax precision, as the modifier subgraphs would see it.
        scores = Tensor.FromDoubles(precision, scores, scoreShape).ToDoubles();
        for (int r = 0; r < b * hq * l; r++)
        {
            Softmax.InPlace(scores.AsSpan(r * s, s));
        }
        scores = Modify(ctx, "prob_mod", scores, scoreShape, precision);
        var y = new double[b * hq * l * ev];
        for (int bh = 0; bh < b * hq; bh++)
        {
            int kvBase = (bh / hq * hkv + bh % hq / group) * s;
            for (int i = 0; i < l; i++)
            {
                for (int c = 0; c < ev; c++)
                {
                    double acc = 0;
                    for (int j = 0; j < s; j++)
                    {
                        acc += scores[(bh * l + i) * s + j] * v[(kvBase + j) * ev + c];
                    }
                    y[(bh * l + i) * ev + c] = acc;
                }
            }
        }
        return [Tensor.FromDoubles(qt.DType, y, b, hq, l, ev)];
    }

    /// <summary>Runs a modifier subgraph (when the attribute is present) on the tensor in softmax precision.</summary>
    private static double[] Modify(OpContext ctx, string attr, double[] x, int[] shape, DType precision)
    {
        var g = ctx.Node.GetGraph(attr);
        if (g is null)
        {
            return x;
        }
        var outs = ctx.RunSubgraph(g, [Tensor.FromDoubles(precision, x, shape)]);
        if (outs.Length != 1 || outs[0] is not Tensor t || !t.Shape.AsSpan().SequenceEqual(shape))
        {
            throw ctx.Error($"{attr} must return one tensor of shape [{string.Join(",", shape)}]");
        }
        return t.ToDoubles();
    }
}
