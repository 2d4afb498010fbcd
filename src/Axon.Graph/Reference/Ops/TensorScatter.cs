namespace Axon.Graph.Reference.Ops;

/// <summary>
/// TensorScatter (opset 24): writes the update into a copy of the cache along the sequence axis, starting at each batch
/// row's write index (0 when absent); mode "circular" wraps positions modulo the cache length.
/// </summary>
[Op("TensorScatter")]
internal sealed class TensorScatter : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var cache = ctx.Input(0);
        var update = ctx.Input(1);
        int rank = cache.Rank;
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", -2), rank);
        if (axis == 0)
        {
            throw ctx.Error("axis cannot be the batch axis 0");
        }
        bool circular = ctx.String("mode", "linear") switch
        {
            "linear" => false,
            "circular" => true,
            var m => throw ctx.Error($"unknown mode '{m}'"),
        };
        if (update.Rank != rank || Enumerable.Range(0, rank).Any(d => d != axis && update.Shape[d] != cache.Shape[d]))
        {
            throw ctx.Error($"update {NdIndex.Str(update.Shape)} must match cache {NdIndex.Str(cache.Shape)} outside axis {axis}");
        }
        int maxLen = cache.Shape[axis];
        var write = ctx.OptionalInput(2) is { } w ? NdIndex.Ints(ctx, w, "write_indices") : new long[cache.Shape[0]];
        if (write.Length != cache.Shape[0])
        {
            throw ctx.Error($"write_indices has {write.Length} entries for batch size {cache.Shape[0]}");
        }
        var strides = Tensor.StridesOf(cache.Shape);
        var targets = NdIndex.Map(update.Shape, idx =>
        {
            long pos = write[idx[0]] + idx[axis];
            if (circular)
            {
                pos = ((pos % maxLen) + maxLen) % maxLen;
            }
            if (pos < 0 || pos >= maxLen)
            {
                throw ctx.Error($"write position {pos} is outside the cache length {maxLen}");
            }
            int f = 0;
            for (int d = 0; d < idx.Length; d++)
            {
                f += (d == axis ? (int)pos : idx[d]) * strides[d];
            }
            return f;
        });
        return [ScatterUpdate.Apply(ctx, cache, update, targets, "none")];
    }
}
