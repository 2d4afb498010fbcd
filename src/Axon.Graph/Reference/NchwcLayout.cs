namespace Axon.Graph.Reference;

/// <summary>
/// The blocked layout NCHW16c in the reference executor: [N, C, H, W] float32 to [N, ceil(C/16), H, W, 16] with zero
/// padding lanes, and back. The blocked ops are defined as "unblock, run the standard op, block", so an optimized
/// graph gives the reference numbers of the graph it came from.
/// </summary>
internal static class NchwcLayout
{
    public const int Block = 16;

    public static Tensor ToBlocked(OpContext ctx, Tensor x)
    {
        if (x.DType != DType.Float32 || x.Rank != 4)
        {
            throw ctx.Error($"the blocked layout is for 4-D float32 tensors, got {x.DType} {x.SymShape}");
        }
        int n = x.Shape[0], c = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        int blocks = (c + Block - 1) / Block;
        var y = Tensor.Create(DType.Float32, n, blocks, x.Shape[2], x.Shape[3], Block);
        var src = x.Span<float>();
        var dst = y.Span<float>();
        for (int i = 0; i < n; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                long from = ((long)i * c + ch) * plane;
                long to = ((long)i * blocks + ch / Block) * plane * Block + ch % Block;
                for (int p = 0; p < plane; p++)
                {
                    dst[(int)(to + (long)p * Block)] = src[(int)(from + p)];
                }
            }
        }
        return y;
    }

    public static Tensor FromBlocked(OpContext ctx, Tensor x, long channels)
    {
        if (x.DType != DType.Float32 || x.Rank != 5 || x.Shape[4] != Block || channels < 1
            || (channels + Block - 1) / Block != x.Shape[1])
        {
            throw ctx.Error($"expected a blocked float32 tensor [N, {(channels + Block - 1) / Block}, H, W, {Block}] for {channels} channels, got {x.DType} {x.SymShape}");
        }
        int n = x.Shape[0], c = (int)channels, blocks = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        var y = Tensor.Create(DType.Float32, n, c, x.Shape[2], x.Shape[3]);
        var src = x.Span<float>();
        var dst = y.Span<float>();
        for (int i = 0; i < n; i++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                long to = ((long)i * c + ch) * plane;
                long from = ((long)i * blocks + ch / Block) * plane * Block + ch % Block;
                for (int p = 0; p < plane; p++)
                {
                    dst[(int)(to + p)] = src[(int)(from + (long)p * Block)];
                }
            }
        }
        return y;
    }
}
