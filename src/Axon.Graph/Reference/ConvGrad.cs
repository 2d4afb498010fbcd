namespace Axon.Graph.Reference;

/// <summary>
/// The loop shared by the reference convolution gradients: visits every (image, output channel, output position,
/// kernel position inside the input, input channel of the group) with the flat indices of dY, X/dX and W/dW.
/// </summary>
internal static class ConvGrad
{
    public delegate void Visit(int dyIndex, int xIndex, int wIndex);

    public static void ForEach(OpContext ctx, int[] xShape, int[] wShape, int[] dyShape, Visit visit)
    {
        if (xShape.Length < 3 || wShape.Length != xShape.Length)
        {
            throw ctx.Error($"X [{string.Join(",", xShape)}] and W [{string.Join(",", wShape)}] must be N-d images and kernels of the same rank");
        }
        int group = (int)ctx.Int("group", 1);
        var kernel = wShape[2..];
        var g = ConvGeometry.Forward(ctx, xShape[2..], kernel, poolRules: false);
        int n = xShape[0], c = xShape[1], k = wShape[0], cg = wShape[1];
        if (c != cg * group || k % group != 0)
        {
            throw ctx.Error($"channels {c}, weight channels {cg} and group {group} do not agree");
        }
        var expect = new[] { n, k }.Concat(g.OutShape).ToArray();
        if (!dyShape.AsSpan().SequenceEqual(expect))
        {
            throw ctx.Error($"dY is [{string.Join(",", dyShape)}], the convolution's output is [{string.Join(",", expect)}]");
        }
        int kg = k / group, inSize = g.InSize, outSize = g.OutSize, kSize = g.KernelSize;
        var offsets = g.KernelOffsets();
        var kIdx = new int[kSize];
        var inOff = new int[kSize];
        var o = new int[g.Rank];
        for (int op = 0; op < outSize; op++, ConvGeometry.Increment(o, g.OutShape))
        {
            int cnt = g.Window(o, offsets, kIdx, inOff, out _);
            for (int b = 0; b < n; b++)
            {
                for (int oc = 0; oc < k; oc++)
                {
                    int grp = oc / kg;
                    int dyi = (b * k + oc) * outSize + op;
                    for (int ic = 0; ic < cg; ic++)
                    {
                        int xBase = (b * c + grp * cg + ic) * inSize;
                        int wBase = (oc * cg + ic) * kSize;
                        for (int j = 0; j < cnt; j++)
                        {
                            visit(dyi, xBase + inOff[j], wBase + kIdx[j]);
                        }
                    }
                }
            }
        }
    }
}
