namespace Axon.Graph.Reference.Ops;

/// <summary>
/// CenterCropPad: crops or zero-pads each listed axis to the target size around the centre; crop windows start at
/// floor((dim - target) / 2) and odd padding puts the extra element at the end.
/// </summary>
[Op("CenterCropPad")]
internal sealed class CenterCropPad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var target = NdIndex.Ints(ctx, ctx.Input(1), "shape");
        int rank = x.Rank;
        var axes = ctx.Ints("axes") is { } a ? NdIndex.Axes(ctx, a, rank) : Enumerable.Range(0, rank).ToArray();
        if (target.Length != axes.Length || target.Any(t => t < 0))
        {
            throw ctx.Error($"shape [{string.Join(",", target)}] does not fit {axes.Length} axes");
        }
        var shape = (int[])x.Shape.Clone();
        var shift = new int[rank]; // source position = output position + shift
        for (int i = 0; i < axes.Length; i++)
        {
            int ax = axes[i];
            int t = NdIndex.ToInt(ctx, target[i], "dim");
            int d = x.Shape[ax];
            shift[ax] = d >= t ? (d - t) / 2 : -((t - d) / 2);
            shape[ax] = t;
        }
        var strides = Tensor.StridesOf(x.Shape);
        var inShape = x.Shape;
        var map = NdIndex.Map(shape, idx =>
        {
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                int s = idx[d] + shift[d];
                if (s < 0 || s >= inShape[d])
                {
                    return ~0;
                }
                f += s * strides[d];
            }
            return f;
        });
        return [NdIndex.Take(x, null, map, shape)];
    }
}
