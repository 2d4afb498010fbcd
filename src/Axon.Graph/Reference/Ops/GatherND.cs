namespace Axon.Graph.Reference.Ops;

/// <summary>
/// GatherND: the last indices axis (length k) addresses data dims [b, b+k) after the first b = batch_dims dims, which
/// indices and data share. Output shape: indices.shape[:-1] + data.shape[b+k:].
/// </summary>
[Op("GatherND")]
internal sealed class GatherND : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var data = ctx.Input(0);
        var indices = ctx.Input(1);
        int b = (int)ctx.Int("batch_dims", 0);
        var slices = ScatterND.Locate(ctx, data.Shape, indices, b, out int sliceSize);
        var shape = indices.Shape[..^1].Concat(data.Shape[(b + indices.Shape[^1])..]).ToArray();
        var map = new int[Tensor.CheckedLength(shape)];
        int k = 0;
        foreach (int start in slices)
        {
            for (int j = 0; j < sliceSize; j++)
            {
                map[k++] = start + j;
            }
        }
        return [NdIndex.Take(data, null, map, shape)];
    }
}
