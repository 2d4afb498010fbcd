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
        var scales = ctx.HasInput(1)
            ? ctx.Input(1).ToDoubles()
            : (ctx.Floats("scales") ?? throw ctx.Error("scales are required")).Select(f => (double)f).ToArray();
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
