namespace Axon.Graph.Reference.Ops;

/// <summary>ReverseSequence: for each batch entry b, reverses the first sequence_lens[b] steps along time_axis.</summary>
[Op("ReverseSequence")]
internal sealed class ReverseSequence : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var lens = NdIndex.Ints(ctx, ctx.Input(1), "sequence_lens");
        int batchAxis = NdIndex.Axis(ctx, ctx.Int("batch_axis", 1), x.Rank, "batch_axis");
        int timeAxis = NdIndex.Axis(ctx, ctx.Int("time_axis", 0), x.Rank, "time_axis");
        if (batchAxis == timeAxis || lens.Length != x.Shape[batchAxis])
        {
            throw ctx.Error($"batch_axis {batchAxis}, time_axis {timeAxis} and {lens.Length} sequence_lens do not fit {NdIndex.Str(x.Shape)}");
        }
        int maxLen = x.Shape[timeAxis];
        if (lens.Any(l => l < 0 || l > maxLen))
        {
            throw ctx.Error($"sequence_lens [{string.Join(",", lens)}] must lie in [0, {maxLen}]");
        }
        var strides = Tensor.StridesOf(x.Shape);
        var map = NdIndex.Map(x.Shape, idx =>
        {
            int f = 0;
            int len = (int)lens[idx[batchAxis]];
            for (int d = 0; d < idx.Length; d++)
            {
                int v = d == timeAxis && idx[d] < len ? len - 1 - idx[d] : idx[d];
                f += v * strides[d];
            }
            return f;
        });
        return [NdIndex.Take(x, null, map, x.Shape)];
    }
}
