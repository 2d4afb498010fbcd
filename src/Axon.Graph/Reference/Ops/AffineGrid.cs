namespace Axon.Graph.Reference.Ops;

/// <summary>
/// The sampling grid of an affine transform: theta (N x 2 x 3 or N x 3 x 4) applied to normalized output coordinates
/// in [-1, 1] (pixel centers unless align_corners), giving N x H x W x 2 or N x D x H x W x 3 (x first).
/// </summary>
[Op("AffineGrid")]
internal sealed class AffineGrid : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var tt = ctx.Input(0);
        var size = ctx.Input(1).ToInt64s().Select(v => checked((int)v)).ToArray();
        bool align = ctx.Int("align_corners", 0) != 0;
        int r = size.Length - 2;
        if (r is not (2 or 3) || tt.Rank != 3 || tt.Shape[0] != size[0] || tt.Shape[1] != r || tt.Shape[2] != r + 1)
        {
            throw ctx.Error($"theta [{string.Join(",", tt.Shape)}] does not fit size [{string.Join(",", size)}]");
        }
        int n = size[0];
        var sp = size[2..];
        int count = Tensor.CheckedLength(sp);
        var theta = tt.ToDoubles();
        var y = new double[n * count * r];
        var idx = new int[r];
        var coord = new double[r + 1];
        for (int p = 0; p < count; p++, ConvGeometry.Increment(idx, sp))
        {
            // coord = (x, y[, z], 1) with x along the last spatial axis.
            for (int d = 0; d < r; d++)
            {
                int len = sp[r - 1 - d];
                int i = idx[r - 1 - d];
                coord[d] = align ? (len == 1 ? 0 : -1 + 2.0 * i / (len - 1)) : (2.0 * i + 1) / len - 1;
            }
            coord[r] = 1;
            for (int b = 0; b < n; b++)
            {
                for (int k = 0; k < r; k++)
                {
                    double s = 0;
                    for (int j = 0; j <= r; j++)
                    {
                        s += theta[(b * r + k) * (r + 1) + j] * coord[j];
                    }
                    y[(b * count + p) * r + k] = s;
                }
            }
        }
        return [Tensor.FromDoubles(tt.DType, y, [n, .. sp, r])];
    }
}
