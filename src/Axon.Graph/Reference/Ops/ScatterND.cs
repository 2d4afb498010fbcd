namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ScatterND: a copy of data where each index tuple (last indices axis) selects a slice that updates overwrite or, from
/// opset 16/18, combine into by reduction (add, mul; max, min). Negative indices count from the back.
/// </summary>
[Op("ScatterND")]
internal sealed class ScatterND : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var data = ctx.Input(0);
        var indices = ctx.Input(1);
        var updates = ctx.Input(2);
        var starts = Locate(ctx, data.Shape, indices, 0, out int sliceSize);
        var expected = indices.Shape[..^1].Concat(data.Shape[indices.Shape[^1]..]).ToArray();
        if (!updates.Shape.AsSpan().SequenceEqual(expected))
        {
            throw ctx.Error($"updates {NdIndex.Str(updates.Shape)} should have shape {NdIndex.Str(expected)}");
        }
        var targets = new int[updates.Length];
        int k = 0;
        foreach (int s in starts)
        {
            for (int j = 0; j < sliceSize; j++)
            {
                targets[k++] = s + j;
            }
        }
        return [ScatterUpdate.Apply(ctx, data, updates, targets, ctx.String("reduction", "none"))];
    }

    /// <summary>
    /// For each index tuple of <paramref name="indices"/> (over all but its last axis), the flat offset in data of the slice
    /// it addresses; the first <paramref name="batchDims"/> dims are shared by data and indices (GatherND).
    /// </summary>
    internal static int[] Locate(OpContext ctx, int[] dataShape, Tensor indices, int batchDims, out int sliceSize)
    {
        if (indices.Rank < 1)
        {
            throw ctx.Error("indices must have rank of at least 1");
        }
        int k = indices.Shape[^1];
        int b = batchDims;
        if (b < 0 || b >= indices.Rank || b + k > dataShape.Length)
        {
            throw ctx.Error($"indices {NdIndex.Str(indices.Shape)} with batch_dims {b} do not fit data {NdIndex.Str(dataShape)}");
        }
        for (int i = 0; i < b; i++)
        {
            if (indices.Shape[i] != dataShape[i])
            {
                throw ctx.Error($"batch dim {i} differs between data {NdIndex.Str(dataShape)} and indices {NdIndex.Str(indices.Shape)}");
            }
        }
        var ind = NdIndex.Ints(ctx, indices, "indices");
        var strides = Tensor.StridesOf(dataShape);
        sliceSize = NdIndex.Product(dataShape, b + k, dataShape.Length);
        int batchBlock = NdIndex.Product(dataShape, b, dataShape.Length);
        int n = NdIndex.Product(indices.Shape, 0, indices.Rank - 1);
        int batches = NdIndex.Product(indices.Shape, 0, b);
        int perBatch = batches == 0 ? 0 : n / batches;
        var r = new int[n];
        for (int t = 0; t < n; t++)
        {
            int off = (t / perBatch) * batchBlock;
            for (int j = 0; j < k; j++)
            {
                off += Gather.NormalizeIndex(ctx, ind[t * k + j], dataShape[b + j]) * strides[b + j];
            }
            r[t] = off;
        }
        return r;
    }
}
