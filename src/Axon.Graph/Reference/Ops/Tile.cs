namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Tile: repeats the input along every axis (repeats input, opset 6+). Opset 1 took a scalar tile count and an axis as
/// inputs instead.
/// </summary>
[Op("Tile")]
internal sealed class Tile : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[] repeats;
        if (ctx.Opset < 6)
        {
            long tiles = NdIndex.Ints(ctx, ctx.Input(1), "tiles")[0];
            int axis = NdIndex.Axis(ctx, NdIndex.Ints(ctx, ctx.Input(2), "axis")[0], x.Rank);
            repeats = Enumerable.Repeat(1L, x.Rank).ToArray();
            repeats[axis] = tiles;
        }
        else
        {
            repeats = NdIndex.Ints(ctx, ctx.Input(1), "repeats");
        }
        if (repeats.Length != x.Rank || repeats.Any(r => r < 0))
        {
            throw ctx.Error($"repeats [{string.Join(",", repeats)}] do not fit input {NdIndex.Str(x.Shape)}");
        }
        var shape = x.Shape.Select((d, i) => NdIndex.ToInt(ctx, d * repeats[i], "dim")).ToArray();
        var strides = Tensor.StridesOf(x.Shape);
        var inShape = x.Shape;
        var map = NdIndex.Map(shape, idx =>
        {
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                f += idx[d] % inShape[d] * strides[d];
            }
            return f;
        });
        return [NdIndex.Take(x, null, map, shape)];
    }
}
