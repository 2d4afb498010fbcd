namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:AttentionCore(qkv, mask?) {num_heads, scale, mask_kind = "none" | "additive"}: self-attention over already
/// projected Q, K and V concatenated on the last axis ([B, S, 3·H·D], as one fused projection produces them); per head
/// softmax(scale·Q·Kᵀ + mask)·V, heads concatenated to [B, S, H·D]. The same computation as axon:Attention after its
/// projections (runs in double).
/// </summary>
[Op("AttentionCore", Domain = "axon")]
internal sealed class AxonAttentionCore : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int heads = checked((int)ctx.Int("num_heads", 0));
        if (x.Rank != 3 || x.Shape[2] % 3 != 0 || heads <= 0 || x.Shape[2] / 3 % heads != 0)
        {
            throw ctx.Error($"expects qkv [B, S, 3*H*D] with {heads} heads, got {x}");
        }
        int b = x.Shape[0], s = x.Shape[1], hd = x.Shape[2] / 3, d = hd / heads, w = 3 * hd;
        double scale = ctx.Float("scale", float.NaN);
        if (double.IsNaN(scale))
        {
            scale = 1 / Math.Sqrt(d);
        }
        var xd = x.ToDoubles();
        double[]? mask = null;
        if (ctx.String("mask_kind", "none") == "additive" && ctx.OptionalInput(1) is { } m)
        {
            int[] full = [b, heads, s, s];
            if (!Broadcast.Shape(m.Shape, full).SequenceEqual(full))
            {
                throw ctx.Error($"mask {m} does not broadcast to [{string.Join(",", full)}]");
            }
            mask = Broadcast.To(m, full).ToDoubles();
        }
        var y = new double[b * s * hd];
        var p = new double[s];
        for (int bi = 0; bi < b; bi++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < s; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < s; j++)
                    {
                        double dot = 0;
                        int qo = (bi * s + i) * w + h * d, ko = (bi * s + j) * w + hd + h * d;
                        for (int e = 0; e < d; e++)
                        {
                            dot += xd[qo + e] * xd[ko + e];
                        }
                        dot *= scale;
                        if (mask is not null)
                        {
                            dot += mask[((bi * heads + h) * s + i) * s + j];
                        }
                        p[j] = dot;
                        max = Math.Max(max, dot);
                    }
                    double sum = 0;
                    for (int j = 0; j < s; j++)
                    {
                        p[j] = Math.Exp(p[j] - max);
                        sum += p[j];
                    }
                    int oo = (bi * s + i) * hd + h * d;
                    for (int j = 0; j < s; j++)
                    {
                        int vo = (bi * s + j) * w + 2 * hd + h * d;
                        for (int e = 0; e < d; e++)
                        {
                            y[oo + e] += p[j] / sum * xd[vo + e];
                        }
                    }
                }
            }
        }
        return [Tensor.FromDoubles(x.DType, y, b, s, hd)];
    }
}
