namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:Attention(q_in, Wq, bq?, k_in, Wk, bk?, v_in, Wv, bv?, mask?) {num_heads, scale, mask_kind = "none" | "additive"}:
/// multi-head attention with its input projections. Q = q_in·Wq + bq (likewise K, V; inputs [B, S, E], weights
/// [E, H·D]); per head, P = Softmax(scale·Q·Kᵀ + mask) and out = P·V; heads are concatenated back to [B, Sq, H·D]. The
/// additive mask broadcasts to [B, H, Sq, Sk]. Projections round like the MatMul/Add they replace; the rest runs in double.
/// </summary>
[Op("Attention", Domain = "axon")]
internal sealed class AxonAttention : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        int heads = checked((int)ctx.Int("num_heads", 0));
        double scale = ctx.Float("scale", float.NaN);
        var q = Project(ctx, 0);
        var k = Project(ctx, 3);
        var v = Project(ctx, 6);
        if (q.Rank != 3 || k.Rank != 3 || v.Rank != 3)
        {
            throw ctx.Error($"projected Q, K, V must be rank 3 [B, S, H*D], got {q}, {k}, {v}");
        }
        int b = q.Shape[0], sq = q.Shape[1], hd = q.Shape[2], sk = k.Shape[1];
        if (heads <= 0 || hd % heads != 0 || k.Shape[2] != hd || v.Shape[2] != hd || k.Shape[0] != b || v.Shape[0] != b || v.Shape[1] != sk)
        {
            throw ctx.Error($"inconsistent attention shapes Q {q}, K {k}, V {v} for {heads} heads");
        }
        int d = hd / heads;
        if (double.IsNaN(scale))
        {
            scale = 1 / Math.Sqrt(d);
        }
        double[] qd = q.ToDoubles(), kd = k.ToDoubles(), vd = v.ToDoubles();
        double[]? mask = null;
        if (ctx.String("mask_kind", "none") == "additive" && ctx.OptionalInput(9) is { } m)
        {
            int[] full = [b, heads, sq, sk];
            if (!Broadcast.Shape(m.Shape, full).SequenceEqual(full))
            {
                throw ctx.Error($"mask {m} does not broadcast to [{string.Join(",", full)}]");
            }
            mask = Broadcast.To(m, full).ToDoubles();
        }
        var outp = new double[b * sq * hd];
        var scores = new double[sk];
        for (int bi = 0; bi < b; bi++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < sq; i++)
                {
                    double max = double.NegativeInfinity;
                    for (int j = 0; j < sk; j++)
                    {
                        double s = 0;
                        int qo = (bi * sq + i) * hd + h * d, ko = (bi * sk + j) * hd + h * d;
                        for (int e = 0; e < d; e++)
                        {
                            s += qd[qo + e] * kd[ko + e];
                        }
                        s *= scale;
                        if (mask is not null)
                        {
                            s += mask[((bi * heads + h) * sq + i) * sk + j];
                        }
                        scores[j] = s;
                        max = Math.Max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j < sk; j++)
                    {
                        scores[j] = Math.Exp(scores[j] - max);
                        sum += scores[j];
                    }
                    int oo = (bi * sq + i) * hd + h * d;
                    for (int j = 0; j < sk; j++)
                    {
                        double p = scores[j] / sum;
                        int vo = (bi * sk + j) * hd + h * d;
                        for (int e = 0; e < d; e++)
                        {
                            outp[oo + e] += p * vd[vo + e];
                        }
                    }
                }
            }
        }
        return [Tensor.FromDoubles(q.DType, outp, b, sq, hd)];
    }

    /// <summary>x·W (+ b) for the projection whose inputs start at <paramref name="at"/>.</summary>
    private static Tensor Project(OpContext ctx, int at)
    {
        var y = AxonFusion.RunOnnx(ctx, "MatMul", [], ctx.Input(at), ctx.Input(at + 1));
        return ctx.OptionalInput(at + 2) is { } bias ? AxonFusion.RunOnnx(ctx, "Add", [], y, bias) : y;
    }
}
