namespace Axon.Graph.Reference.Ops;

/// <summary>
/// RotaryEmbedding (RoPE): rotates the first rotary_embedding_dim features of each head by position-dependent angles.
/// Pairs are (k, k + dim/2) by default or (2k, 2k + 1) when interleaved. cos/sin caches are indexed by position_ids
/// (cache shape (max_pos, dim/2)) or, without position_ids, given per (batch, seq) as (B, S, dim/2).
/// </summary>
[Op("RotaryEmbedding")]
internal sealed class RotaryEmbedding : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var cosT = ctx.Input(1);
        var sinT = ctx.Input(2);
        var pos = ctx.OptionalInput(3)?.ToInt64s();
        bool interleaved = ctx.Int("interleaved", 0) != 0;
        var shape = xt.Shape;
        int b, s, h, hs;
        bool fourD = shape.Length == 4;
        if (fourD)
        {
            (b, h, s, hs) = (shape[0], shape[1], shape[2], shape[3]);
        }
        else if (shape.Length == 3)
        {
            long nh = ctx.Int("num_heads", 0);
            if (nh <= 0 || shape[2] % nh != 0)
            {
                throw ctx.Error($"3-D input needs num_heads dividing the hidden size {shape[2]}, got {nh}");
            }
            (b, s, h, hs) = (shape[0], shape[1], (int)nh, shape[2] / (int)nh);
        }
        else
        {
            throw ctx.Error($"X must be 3-D or 4-D, got [{string.Join(",", shape)}]");
        }
        int rot = (int)ctx.Int("rotary_embedding_dim", 0);
        rot = rot == 0 ? hs : rot;
        if (rot > hs || rot % 2 != 0)
        {
            throw ctx.Error($"rotary_embedding_dim {rot} must be even and at most the head size {hs}");
        }
        int half = rot / 2;
        if (cosT.Shape[^1] != half || sinT.Shape[^1] != half)
        {
            throw ctx.Error($"cos/sin caches must end in rotary_embedding_dim/2 = {half}");
        }
        var cos = cosT.ToDoubles();
        var sin = sinT.ToDoubles();
        var x = xt.ToDoubles();
        var y = (double[])x.Clone();
        int maxPos = pos is null ? 0 : cosT.Shape[0];
        for (int bi = 0; bi < b; bi++)
        {
            for (int si = 0; si < s; si++)
            {
                // Row of the caches for this token.
                int cacheRow;
                if (pos is null)
                {
                    cacheRow = bi * s + si;
                }
                else
                {
                    long p = pos[bi * s + si];
                    if (p < 0 || p >= maxPos)
                    {
                        throw ctx.Error($"position id {p} is outside the cache's {maxPos} rows");
                    }
                    cacheRow = (int)p;
                }
                for (int hi = 0; hi < h; hi++)
                {
                    int baseIdx = fourD ? ((bi * h + hi) * s + si) * hs : (bi * s + si) * h * hs + hi * hs;
                    for (int k = 0; k < half; k++)
                    {
                        int i1 = baseIdx + (interleaved ? 2 * k : k);
                        int i2 = baseIdx + (interleaved ? 2 * k + 1 : k + half);
                        double c = cos[cacheRow * half + k], sn = sin[cacheRow * half + k];
                        y[i1] = c * x[i1] - sn * x[i2];
                        y[i2] = sn * x[i1] + c * x[i2];
                    }
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, shape)];
    }
}
