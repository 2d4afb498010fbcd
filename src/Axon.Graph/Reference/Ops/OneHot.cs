namespace Axon.Graph.Reference.Ops;

/// <summary>
/// OneHot: inserts a depth-sized axis (at axis, default -1 = last) holding values[1] where the position equals the
/// index and values[0] elsewhere. Negative indices count back from depth; indices outside [-depth, depth) give an all-off row.
/// </summary>
[Op("OneHot")]
internal sealed class OneHot : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var indices = ctx.Input(0);
        var depthT = ctx.Input(1);
        var values = ctx.Input(2);
        if (depthT.Length != 1)
        {
            throw ctx.Error($"depth must hold one value, got {NdIndex.Str(depthT.Shape)}");
        }
        if (values.Length != 2)
        {
            throw ctx.Error($"values must hold [off, on], got {NdIndex.Str(values.Shape)}");
        }
        // Depth and indices may be any numeric type; non-integers are truncated like a cast to int64.
        long depth = depthT.ToInt64s()[0];
        if (depth < 1)
        {
            throw ctx.Error($"depth {depth} must be positive");
        }
        int d = NdIndex.ToInt(ctx, depth, "depth");
        var ind = indices.ToInt64s();
        int rank = indices.Rank + 1;
        long axisAttr = ctx.Int("axis", -1);
        int axis = NdIndex.Axis(ctx, axisAttr, rank);
        var shape = indices.Shape[..axis].Append(d).Concat(indices.Shape[axis..]).ToArray();
        int outer = NdIndex.Product(indices.Shape, 0, axis);
        int inner = NdIndex.Product(indices.Shape, axis, indices.Rank);
        var map = new int[Tensor.CheckedLength(shape)];
        for (int o = 0; o < outer; o++)
        {
            for (int p = 0; p < d; p++)
            {
                for (int i = 0; i < inner; i++)
                {
                    long v = ind[o * inner + i];
                    if (v < 0)
                    {
                        v += depth;
                    }
                    map[(o * d + p) * inner + i] = v == p ? 1 : 0;
                }
            }
        }
        return [NdIndex.Take(values.Reshape(2), null, map, shape)];
    }
}
