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
        var offsets = g.KernelOffsets();
        var kIdx = new int[kSize];
        var inOff = new int[kSize];
        var o = new int[g.Rank];
        for (int op = 0; op < outSize; op++, ConvGeometry.Increment(o, g.OutShape))
        {
            int cnt = g.Window(o, offsets, kIdx, inOff, out _);
            for (int b = 0; b < n; b++)
            {
                for (int oc = 0; oc < m; oc++)
                {
                    int gi = oc / mg;
                    double s = bias?[oc] ?? 0;
                    for (int ic = 0; ic < cg; ic++)
                    {
                        int xBase = (b * c + gi * cg + ic) * inSize;
                        int wBase = (oc * cg + ic) * kSize;
                        for (int j = 0; j < cnt; j++)
                        {
                            s += x[xBase + inOff[j]] * w[wBase + kIdx[j]];
                        }
                    }
                    y[(b * m + oc) * outSize + op] = s;
                }
            }
        }
        int[] shape = [n, m, .. g.OutShape];
        return (y, shape);
    }
}
