namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Max pooling over regions of interest (Fast R-CNN): each roi [batch, x1, y1, x2, y2] is scaled, rounded to pixels and
/// split into pooled_shape bins; each bin outputs its maximum, or 0 when empty.
/// </summary>
[Op("MaxRoiPool")]
internal sealed class MaxRoiPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var rois = ctx.Input(1).ToDoubles();
        var xs = xt.Shape;
        var ps = ctx.Ints("pooled_shape") ?? throw ctx.Error("attribute pooled_shape is required");
        if (xs.Length != 4 || ps.Length != 2 || rois.Length % 5 != 0)
        {
            throw ctx.Error($"needs X N x C x H x W, rois [num, 5] and a 2-value pooled_shape");
        }
        double scale = ctx.Float("spatial_scale", 1f);
        int c = xs[1], h = xs[2], w = xs[3], ph = (int)ps[0], pw = (int)ps[1];
        int num = rois.Length / 5;
        var x = xt.ToDoubles();
        var y = new double[num * c * ph * pw];
        for (int r = 0; r < num; r++)
        {
            int b = (int)rois[r * 5];
            if (b < 0 || b >= xs[0])
            {
                throw ctx.Error($"roi batch index {b} is out of range");
            }
            int sw = (int)Math.Round(rois[r * 5 + 1] * scale, MidpointRounding.AwayFromZero);
            int sh = (int)Math.Round(rois[r * 5 + 2] * scale, MidpointRounding.AwayFromZero);
            int ew = (int)Math.Round(rois[r * 5 + 3] * scale, MidpointRounding.AwayFromZero);
            int eh = (int)Math.Round(rois[r * 5 + 4] * scale, MidpointRounding.AwayFromZero);
            double bh = Math.Max(eh - sh + 1, 1) / (double)ph, bw = Math.Max(ew - sw + 1, 1) / (double)pw;
            for (int ch = 0; ch < c; ch++)
            {
                int xb = (b * c + ch) * h * w;
                for (int i = 0; i < ph; i++)
                {
                    int hs = Math.Clamp((int)Math.Floor(i * bh) + sh, 0, h), he = Math.Clamp((int)Math.Ceiling((i + 1) * bh) + sh, 0, h);
                    for (int j = 0; j < pw; j++)
                    {
                        int ws = Math.Clamp((int)Math.Floor(j * bw) + sw, 0, w), we = Math.Clamp((int)Math.Ceiling((j + 1) * bw) + sw, 0, w);
                        double m = he <= hs || we <= ws ? 0 : double.NegativeInfinity;
                        for (int yy = hs; yy < he; yy++)
                        {
                            for (int xx = ws; xx < we; xx++)
                            {
                                m = Math.Max(m, x[xb + yy * w + xx]);
                            }
                        }
                        y[((r * c + ch) * ph + i) * pw + j] = m;
                    }
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, [num, c, ph, pw])];
    }
}
