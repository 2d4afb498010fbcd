namespace Axon.Graph.Reference.Ops;

/// <summary>
/// GatherElements: output[i0..,ik,..] = data[i0.., indices[i0..,ik,..], ..] along the axis; the output has the indices'
/// shape. Negative indices count from the back.
/// </summary>
[Op("GatherElements")]
internal sealed class GatherElements : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var data = ctx.Input(0);
        var indices = ctx.Input(1);
        if (indices.Rank != data.Rank)
        {
            throw ctx.Error($"indices {NdIndex.Str(indices.Shape)} and data {NdIndex.Str(data.Shape)} differ in rank");
        }
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), data.Rank);
        var ind = NdIndex.Ints(ctx, indices, "indices");
        var strides = Tensor.StridesOf(data.Shape);
        int k = 0;
        var map = NdIndex.Map(indices.Shape, idx =>
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
        return [NdIndex.Take(data, null, map, indices.Shape)];
    }
}
