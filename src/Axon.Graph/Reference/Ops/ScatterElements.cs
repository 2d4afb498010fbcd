namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ScatterElements (and the deprecated Scatter, opset 9-10, which is the same without reduction): a copy of data where
/// data[..., indices[i..], ...] along the axis receives updates[i..]; reduction add/mul from opset 16, max/min from 18.
/// </summary>
[Op("ScatterElements")]
[Op("Scatter")]
internal sealed class ScatterElements : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var data = ctx.Input(0);
        var indices = ctx.Input(1);
        var updates = ctx.Input(2);
        if (indices.Rank != data.Rank || !indices.Shape.AsSpan().SequenceEqual(updates.Shape))
        {
            throw ctx.Error($"indices {NdIndex.Str(indices.Shape)} and updates {NdIndex.Str(updates.Shape)} must match and have the rank of data {NdIndex.Str(data.Shape)}");
        }
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), data.Rank);
        var ind = NdIndex.Ints(ctx, indices, "indices");
        var strides = Tensor.StridesOf(data.Shape);
        int k = 0;
        var targets = NdIndex.Map(indices.Shape, idx =>
        {
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                int v = d == axis ? Gather.NormalizeIndex(ctx, ind[k], data.Shape[d]) : idx[d];
                if (v >= data.Shape[d])
                {
                    throw ctx.Error($"indices {NdIndex.Str(indices.Shape)} exceed data {NdIndex.Str(data.Shape)} on axis {d}");
                }
                f += v * strides[d];
            }
            k++;
            return f;
        });
        return [ScatterUpdate.Apply(ctx, data, updates, targets, ctx.String("reduction", "none"))];
    }
}
