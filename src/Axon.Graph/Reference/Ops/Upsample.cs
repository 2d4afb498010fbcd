namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Upsample (deprecated; scales as an attribute in opset 7, an input from 9): asymmetric coordinates, nearest sampling
/// by truncation, or (bi)linear interpolation. Output dims are floor(input · scale).
/// </summary>
[Op("Upsample")]
internal sealed class Upsample : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        double[] scales;
        if (ctx.HasInput(1))
        {
            scales = ctx.Input(1).ToDoubles();
        }
        else if (ctx.Floats("scales") is { } fs)
        {
            scales = fs.Select(f => (double)f).ToArray();
        }
        else if (ctx.Node.HasAttr("height_scale") && ctx.Node.HasAttr("width_scale") && xt.Rank == 4)
        {
            // Upsample-1 (experimental) scaled only H and W of an NCHW input.
            scales = [1, 1, ctx.Float("height_scale", 1f), ctx.Float("width_scale", 1f)];
        }
        else
        {
            throw ctx.Error("scales are required");
        }
        string mode = ctx.String("mode", "nearest");
        return [Simple(ctx, xt, scales, mode == "bilinear" ? "linear" : mode)];
    }

    /// <summary>The pre-opset-11 resampling shared with Resize-10.</summary>
    internal static Tensor Simple(OpContext ctx, Tensor xt, double[] scales, string mode)
    {
        int rank = xt.Rank;
        if (scales.Length != rank)
        {
            throw ctx.Error($"scales has {scales.Length} values, expected {rank}");
        }
        if (mode is not ("nearest" or "linear"))
        {
            throw ctx.Error($"unsupported mode '{mode}'");
        }
        var outWidth = new double[rank];
        var outShape = new int[rank];
        var roi = new (double, double)[rank];
        for (int d = 0; d < rank; d++)
        {
            if (scales[d] <= 0)
            {
                throw ctx.Error($"scales must be positive, got {scales[d]}");
            }
            outWidth[d] = xt.Shape[d] * scales[d];
            outShape[d] = (int)Math.Floor(outWidth[d]);
            roi[d] = (0, 1);
        }
        var m = new ResampleMode(mode, "asymmetric", "simple");
        var y = Resampler.Run(xt.ToDoubles(), xt.Shape, outShape, scales, outWidth, roi, m);
        return Tensor.FromDoubles(xt.DType, y, outShape);
    }
}
