namespace Axon.Graph.Reference.Ops;

/// <summary>N-d convolution (1D/2D/3D...), with groups, strides, dilations, explicit or automatic pads and optional bias.</summary>
[Op("Conv")]
internal sealed class Conv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var b = ctx.OptionalInput(2);
        var (y, shape) = Compute(ctx, x.Shape, x.ToDoubles(), w.Shape, w.ToDoubles(), b?.ToDoubles());
        return [Tensor.FromDoubles(x.DType, y, shape)];
    }

    /// <summary>
    /// The convolution in double: exact for the integer variants (ConvInteger, QLinearConv) because their products and
    /// sums stay far below 2^53. Reads kernel_shape, group and the geometry attributes from the node.
    /// </summary>
    internal static (double[] Y, int[] Shape) Compute(OpContext ctx, int[] xShape, double[] x, int[] wShape, double[] w, double[]? bias)
    {
        if (xShape.Length < 3 || wShape.Length != xShape.Length)
        {
            throw ctx.Error($"Conv needs X of rank >= 3 and W of the same rank, got [{string.Join(",", xShape)}] and [{string.Join(",", wShape)}]");
        }
        int group = (int)ctx.Int("group", 1);
        int n = xShape[0], c = xShape[1], m = wShape[0], cg = wShape[1];
        if (group <= 0 || c != cg * group || m % group != 0)
        {
            throw ctx.Error($"channels do not match: X has {c} channels, W is [{string.Join(",", wShape)}], group {group}");
        }
        if (bias is not null && bias.Length != m)
        {
            throw ctx.Error($"bias has {bias.Length} values, expected {m}");
        }
        var kernel = wShape[2..];
        var ks = ctx.Ints("kernel_shape");
        if (ks is not null && !ks.Select(v => (int)v).SequenceEqual(kernel))
        {
            throw ctx.Error($"kernel_shape [{string.Join(",", ks)}] does not match W [{string.Join(",", wShape)}]");
        }
        var g = ConvGeometry.Forward(ctx, xShape[2..], kernel, poolRules: false);
        int inSize = g.InSize, outSize = g.OutSize, kSize = g.KernelSize;
        int mg = m / group;
        var y = new double[n * m * outSize];
        // For each kernel position, the input offset each output position reads (-1 in the padding). With it the inner
        // loop runs along contiguous output rows.
        var map = GatherMap(g);
        var xrow = new double[outSize];
        for (int b = 0; b < n; b++)
        {
            for (int oc = 0; oc < m; oc++)
            {
                var yrow = y.AsSpan((b * m + oc) * outSize, outSize);
                yrow.Fill(bias?[oc] ?? 0);
            }
            for (int gi = 0; gi < group; gi++)
            {
                for (int ic = 0; ic < cg; ic++)
                {
                    int xBase = (b * c + gi * cg + ic) * inSize;
                    for (int k = 0; k < kSize; k++)
                    {
                        // Gather the shifted input once, then accumulate it into every output channel of the group.
                        var mk = map[k];
                        for (int p = 0; p < outSize; p++)
                        {
                            xrow[p] = mk[p] < 0 ? 0 : x[xBase + mk[p]];
                        }
                        for (int oc = gi * mg; oc < (gi + 1) * mg; oc++)
                        {
                            double wv = w[(oc * cg + ic) * kSize + k];
                            MatMulCore.Axpy(wv, xrow, y.AsSpan((b * m + oc) * outSize, outSize));
                        }
                    }
                }
            }
        }
        int[] shape = [n, m, .. g.OutShape];
        return (y, shape);
    }

    /// <summary><c>map[k][outPos]</c>: the flat input spatial offset read by kernel position k, or -1 when in the padding.</summary>
    internal static int[][] GatherMap(ConvGeometry g)
    {
        var offsets = g.KernelOffsets();
        var map = new int[g.KernelSize][];
        var inStrides = g.InStrides;
        for (int k = 0; k < map.Length; k++)
        {
            var mk = map[k] = new int[g.OutSize];
            var o = new int[g.Rank];
            for (int p = 0; p < mk.Length; p++, ConvGeometry.Increment(o, g.OutShape))
            {
                int off = 0;
                for (int d = 0; d < g.Rank && off >= 0; d++)
                {
                    int q = o[d] * g.Strides[d] - g.PadBegin[d] + offsets[k][d] * g.Dilations[d];
                    off = q < 0 || q >= g.InShape[d] ? -1 : off + q * inStrides[d];
                }
                mk[p] = off;
            }
        }
        return map;
    }
}
