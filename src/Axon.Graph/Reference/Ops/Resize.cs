namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Resize in every mode (nearest with each nearest_mode, linear, cubic) and coordinate transformation, from scales or
/// sizes, with axes, keep_aspect_ratio_policy and antialias (opset 18+). Opset 10 had only X and scales, asymmetric
/// coordinates and truncating nearest sampling.
/// </summary>
[Op("Resize")]
internal sealed class Resize : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        int rank = xt.Rank;
        var inShape = xt.Shape;
        string mode = ctx.String("mode", "nearest");
        if (mode is not ("nearest" or "linear" or "cubic"))
        {
            throw ctx.Error($"unknown mode '{mode}'");
        }
        if (ctx.Opset < 11)
        {
            var sc = ctx.Input(1).ToDoubles();
            return [Upsample.Simple(ctx, xt, sc, mode)];
        }
        var axes = ReadAxes(ctx, rank);
        var roiT = ctx.OptionalInput(1);
        var scalesT = ctx.OptionalInput(2);
        var sizesT = ctx.OptionalInput(3);
        bool hasScales = scalesT is { Length: > 0 };
        bool hasSizes = sizesT is { Length: > 0 };
        if (hasScales == hasSizes)
        {
            throw ctx.Error("exactly one of scales and sizes must be given");
        }
        var scales = Enumerable.Repeat(1.0, rank).ToArray();
        var outShape = (int[])inShape.Clone();
        var outWidth = inShape.Select(v => (double)v).ToArray();
        if (hasScales)
        {
            var s = scalesT!.ToDoubles();
            if (s.Length != axes.Length)
            {
                throw ctx.Error($"scales has {s.Length} values, expected {axes.Length}");
            }
            for (int i = 0; i < axes.Length; i++)
            {
                int d = axes[i];
                if (s[i] <= 0)
                {
                    throw ctx.Error($"scales must be positive, got {s[i]}");
                }
                scales[d] = s[i];
                outWidth[d] = inShape[d] * s[i];
                outShape[d] = (int)Math.Floor(outWidth[d]);
            }
        }
        else
        {
            var sz = sizesT!.ToInt64s();
            if (sz.Length != axes.Length)
            {
                throw ctx.Error($"sizes has {sz.Length} values, expected {axes.Length}");
            }
            string policy = ctx.String("keep_aspect_ratio_policy", "stretch");
            if (policy == "stretch")
            {
                for (int i = 0; i < axes.Length; i++)
                {
                    int d = axes[i];
                    outShape[d] = checked((int)sz[i]);
                    outWidth[d] = sz[i];
                    scales[d] = sz[i] / (double)inShape[d];
                }
            }
            else if (policy is "not_larger" or "not_smaller")
            {
                double common = policy == "not_larger" ? double.PositiveInfinity : double.NegativeInfinity;
                for (int i = 0; i < axes.Length; i++)
                {
                    double r = sz[i] / (double)inShape[axes[i]];
                    common = policy == "not_larger" ? Math.Min(common, r) : Math.Max(common, r);
                }
                foreach (int d in axes)
                {
                    scales[d] = common;
                    outWidth[d] = common * inShape[d];
                    // round_int rounds halfway cases up.
                    outShape[d] = (int)Math.Floor(common * inShape[d] + 0.5);
                }
            }
            else
            {
                throw ctx.Error($"unknown keep_aspect_ratio_policy '{policy}'");
            }
        }
        var roi = new (double Start, double End)[rank];
        for (int d = 0; d < rank; d++)
        {
            roi[d] = (0, 1);
        }
        string coord = ctx.String("coordinate_transformation_mode", "half_pixel");
        if (coord == "tf_crop_and_resize" && roiT is { Length: > 0 })
        {
            var r = roiT.ToDoubles();
            if (r.Length != 2 * axes.Length)
            {
                throw ctx.Error($"roi has {r.Length} values, expected {2 * axes.Length}");
            }
            for (int i = 0; i < axes.Length; i++)
            {
                roi[axes[i]] = (r[i], r[i + axes.Length]);
            }
        }
        var m = new ResampleMode(
            mode,
            coord,
            ctx.String("nearest_mode", "round_prefer_floor"),
            ctx.Float("cubic_coeff_a", -0.75f),
            ctx.Int("exclude_outside", 0) != 0,
            ctx.Float("extrapolation_value", 0f),
            ctx.Int("antialias", 0) != 0 && mode != "nearest");
        var y = Resampler.Run(xt.ToDoubles(), inShape, outShape, scales, outWidth, roi, m);
        return [Tensor.FromDoubles(xt.DType, y, outShape)];
    }

    private static int[] ReadAxes(OpContext ctx, int rank)
    {
        var a = ctx.Ints("axes");
        if (a is null || ctx.Opset < 18)
        {
            return Enumerable.Range(0, rank).ToArray();
        }
        var axes = a.Select(v => (int)(v < 0 ? v + rank : v)).ToArray();
        if (axes.Any(v => v < 0 || v >= rank) || axes.Distinct().Count() != axes.Length)
        {
            throw ctx.Error($"axes [{string.Join(",", a)}] are invalid for rank {rank}");
        }
        return axes;
    }
}
