namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Deformable convolution (N-d, usually 2-D): each kernel tap samples X by (multi)linear interpolation at its regular
/// position plus a learned offset (zero outside X), optionally scaled by a mask, then the taps are convolved with W per
/// group. Channels are split into offset_group groups that share offsets.
/// </summary>
[Op("DeformConv")]
internal sealed class DeformConv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var wt = ctx.Input(1);
        var offT = ctx.Input(2);
        var bias = ctx.OptionalInput(3)?.ToDoubles();
        var maskT = ctx.OptionalInput(4);
        var xs = xt.Shape;
        var ws = wt.Shape;
        int r = xs.Length - 2;
        int group = (int)ctx.Int("group", 1), og = (int)ctx.Int("offset_group", 1);
        int n = xs[0], c = xs[1], m = ws[0], cg = ws[1];
        if (r < 1 || ws.Length != xs.Length || c != cg * group || m % group != 0 || c % og != 0)
        {
            throw ctx.Error($"shapes do not fit: X [{string.Join(",", xs)}], W [{string.Join(",", ws)}], group {group}, offset_group {og}");
        }
        var kernel = ws[2..];
        var g = ConvGeometry.Forward(ctx, xs[2..], kernel, poolRules: false);
        int kSize = g.KernelSize, outSize = g.OutSize, inSize = g.InSize;
        var os = offT.Shape;
        if (os.Length != xs.Length || os[0] != n || os[1] != og * r * kSize || !os[2..].SequenceEqual(g.OutShape))
        {
            throw ctx.Error($"offset [{string.Join(",", os)}] does not fit (expected [{n},{og * r * kSize},{string.Join(",", g.OutShape)}])");
        }
        var x = xt.ToDoubles();
        var w = wt.ToDoubles();
        var off = offT.ToDoubles();
        var mask = maskT?.ToDoubles();
        int cPerOg = c / og, mg = m / group;
        var kOff = g.KernelOffsets();
        // Sampled input values: [n][channel][k][outPos], built once, then contracted with W.
        var cols = new double[c * kSize * outSize];
        var y = new double[n * m * outSize];
        var o = new int[r];
        var pos = new double[r];
        for (int b = 0; b < n; b++)
        {
            Array.Clear(o);
            for (int op = 0; op < outSize; op++, ConvGeometry.Increment(o, g.OutShape))
            {
                for (int gi = 0; gi < og; gi++)
                {
                    for (int k = 0; k < kSize; k++)
                    {
                        for (int d = 0; d < r; d++)
                        {
                            int ch = (gi * kSize + k) * r + d;
                            pos[d] = o[d] * g.Strides[d] - g.PadBegin[d] + kOff[k][d] * g.Dilations[d] + off[(b * os[1] + ch) * outSize + op];
                        }
                        double mk = mask is null ? 1 : mask[(b * og * kSize + gi * kSize + k) * outSize + op];
                        for (int ci = gi * cPerOg; ci < (gi + 1) * cPerOg; ci++)
                        {
                            cols[(ci * kSize + k) * outSize + op] = mk * Sample(x, (b * c + ci) * inSize, g.InShape, g.InStrides, pos);
                        }
                    }
                }
            }
            for (int oc = 0; oc < m; oc++)
            {
                int gi = oc / mg;
                int yb = (b * m + oc) * outSize;
                for (int ic = 0; ic < cg; ic++)
                {
                    for (int k = 0; k < kSize; k++)
                    {
                        double wv = w[(oc * cg + ic) * kSize + k];
                        int cb = ((gi * cg + ic) * kSize + k) * outSize;
                        for (int p = 0; p < outSize; p++)
                        {
                            y[yb + p] += wv * cols[cb + p];
                        }
                    }
                }
                if (bias is not null)
                {
                    for (int p = 0; p < outSize; p++)
                    {
                        y[yb + p] += bias[oc];
                    }
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, [n, m, .. g.OutShape])];
    }

    /// <summary>Multilinear interpolation of one channel at a real position; taps outside the input read as zero.</summary>
    private static double Sample(double[] x, int xb, int[] shape, int[] strides, double[] pos)
    {
        int r = shape.Length;
        double s = 0;
        for (int corner = 0; corner < 1 << r; corner++)
        {
            double wgt = 1;
            int off = 0;
            for (int d = 0; d < r; d++)
            {
                double f = Math.Floor(pos[d]);
                int i = (int)f + ((corner >> d) & 1);
                double t = pos[d] - f;
                wgt *= ((corner >> d) & 1) == 1 ? t : 1 - t;
                if (i < 0 || i >= shape[d])
                {
                    wgt = 0;
                    break;
                }
                off += i * strides[d];
            }
            if (wgt != 0)
            {
                s += wgt * x[xb + off];
            }
        }
        return s;
    }
}
