namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Draws <c>sample_size</c> class indices per batch row from the row's unnormalized log-probabilities
/// ([batch, classes] in, [batch, sample_size] out as int32 or int64).
/// </summary>
[Op("Multinomial")]
internal sealed class Multinomial : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank != 2)
        {
            throw ctx.Error($"input must be [batch_size, class_size], not [{string.Join(",", x.Shape)}]");
        }
        var dtype = (DType)ctx.Int("dtype", (long)DType.Int32);
        if (dtype is not (DType.Int32 or DType.Int64))
        {
            throw ctx.Error($"dtype must be int32 or int64, not {dtype.OnnxName()}");
        }
        long sampleSize = ctx.Int("sample_size", 1);
        if (sampleSize < 1 || sampleSize > int.MaxValue)
        {
            throw ctx.Error($"sample_size must be positive, not {sampleSize}");
        }
        int batch = x.Shape[0], classes = x.Shape[1], k = (int)sampleSize;
        if (classes == 0 && batch > 0)
        {
            throw ctx.Error("cannot sample from zero classes");
        }
        var logits = x.ToDoubles();
        var rng = RandomDraws.For(ctx);
        var r = new long[Tensor.CheckedLength([batch, k])];
        var cumulative = new double[classes];
        for (int b = 0; b < batch; b++)
        {
            // exp(l - max) keeps the weights finite; the cumulative sum is searched with a uniform draw scaled to its total.
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = Math.Max(max, logits[b * classes + c]);
            }
            double total = 0;
            for (int c = 0; c < classes; c++)
            {
                total += Math.Exp(logits[b * classes + c] - max);
                cumulative[c] = total;
            }
            for (int s = 0; s < k; s++)
            {
                double u = rng.NextDouble() * total;
                int idx = Array.BinarySearch(cumulative, u);
                idx = idx >= 0 ? idx + 1 : ~idx;
                r[b * k + s] = Math.Min(idx, classes - 1);
            }
        }
        return [Tensor.FromInt64s(dtype, r, batch, k)];
    }
}
