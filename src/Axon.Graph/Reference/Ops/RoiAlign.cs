namespace Axon.Graph.Reference.Ops;

/// <summary>
/// RoiAlign: for each roi, output_height x output_width bins, each the average (or max of weighted corners) of a grid
/// of bilinear samples. half_pixel shifts roi coordinates by -0.5 (opset 16+ default); output_half_pixel (the only
/// behaviour in opset 10) does not, and forces rois to be at least 1 x 1.
/// </summary>
[Op("RoiAlign")]
internal sealed class RoiAlign : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var rois = ctx.Input(1).ToDoubles();
        var bidx = ctx.Input(2).ToInt64s();
        var xs = xt.Shape;
        if (xs.Length != 4)
        {
            throw ctx.Error($"X must be N x C x H x W, got [{string.Join(",", xs)}]");
        }
        int numRois = bidx.Length;
        if (rois.Length != numRois * 4)
        {
            throw ctx.Error($"rois must be [{numRois}, 4]");
        }
        int c = xs[1], h = xs[2], w = xs[3];
        int oh = (int)ctx.Int("output_height", 1), ow = (int)ctx.Int("output_width", 1);
        int sampling = (int)ctx.Int("sampling_ratio", 0);
        double scale = ctx.Float("spatial_scale", 1f);
        bool isMax = ctx.String("mode", "avg") == "max";
        bool halfPixel = ctx.Opset >= 16 && ctx.String("coordinate_transformation_mode", "half_pixel") == "half_pixel";
        double offset = halfPixel ? 0.5 : 0;
        var x = xt.ToDoubles();
        var y = new double[numRois * c * oh * ow];
        for (int r = 0; r < numRois; r++)
        {
            int b = (int)bidx[r];
            if (b < 0 || b >= xs[0])
            {
                throw ctx.Error($"batch index {b} is out of range");
            }
            double sw = rois[r * 4] * scale - offset, sh = rois[r * 4 + 1] * scale - offset;
            double ew = rois[r * 4 + 2] * scale - offset, eh = rois[r * 4 + 3] * scale - offset;
            double rw = ew - sw, rh = eh - sh;
            if (!halfPixel)
            {
                rw = Math.Max(rw, 1);
                rh = Math.Max(rh, 1);
            }
            double bh = rh / oh, bw = rw / ow;
            int gh = sampling > 0 ? sampling : (int)Math.Ceiling(rh / oh);
            int gw = sampling > 0 ? sampling : (int)Math.Ceiling(rw / ow);
            double count = Math.Max(gh * gw, 1);
            for (int ch = 0; ch < c; ch++)
            {
                int xb = (b * c + ch) * h * w;
                for (int ph = 0; ph < oh; ph++)
                {
                    for (int pw = 0; pw < ow; pw++)
                    {
                        double acc = 0;
                        bool first = true;
                        for (int iy = 0; iy < gh; iy++)
                        {
                            double yy = sh + ph * bh + (iy + 0.5) * bh / gh;
                            for (int ix = 0; ix < gw; ix++)
                            {
                                double xx = sw + pw * bw + (ix + 0.5) * bw / gw;
                                var (v1, v2, v3, v4) = Corners(x, xb, h, w, yy, xx);
                                if (isMax)
                                {
                                    double v = Math.Max(Math.Max(v1, v2), Math.Max(v3, v4));
                                    acc = first ? v : Math.Max(acc, v);
                                    first = false;
                                }
                                else
                                {
                                    acc += v1 + v2 + v3 + v4;
                                }
                            }
                        }
                        y[((r * c + ch) * oh + ph) * ow + pw] = isMax ? acc : acc / count;
                    }
                }
            }
        }
        return [Tensor.FromDoubles(xt.DType, y, [numRois, c, oh, ow])];
    }

    /// <summary>The four weighted corner values of a bilinear sample; all zero outside [-1, H] x [-1, W].</summary>
    private static (double, double, double, double) Corners(double[] x, int xb, int h, int w, double yy, double xx)
    {
        if (yy < -1 || yy > h || xx < -1 || xx > w)
        {
            return (0, 0, 0, 0);
        }
        yy = Math.Max(yy, 0);
        xx = Math.Max(xx, 0);
        int yl = (int)yy, xl = (int)xx, yhgh, xhgh;
        if (yl >= h - 1)
        {
            yhgh = yl = h - 1;
            yy = yl;
        }
        else
        {
            yhgh = yl + 1;
        }
        if (xl >= w - 1)
        {
            xhgh = xl = w - 1;
            xx = xl;
        }
        else
        {
            xhgh = xl + 1;
        }
        double ly = yy - yl, lx = xx - xl, hy = 1 - ly, hx = 1 - lx;
        return (hy * hx * x[xb + yl * w + xl], hy * lx * x[xb + yl * w + xhgh], ly * hx * x[xb + yhgh * w + xl], ly * lx * x[xb + yhgh * w + xhgh]);
    }
}
