namespace Axon.Graph.Reference.Ops;

/// <summary>Shape: the input's dims as int64; since opset 15 optionally a [start, end) window of them.</summary>
[Op("Shape")]
internal sealed class Shape : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var shape = ctx.Input(0).Shape;
        int rank = shape.Length;
        // start/end clamp like Python slicing (negative counts from the back, out-of-range clamps, start > end is empty).
        long start = Clamp(ctx.Int("start", 0), rank);
        long end = ctx.Node.HasAttr("end") ? Clamp(ctx.Int("end", rank), rank) : rank;
        var dims = new List<long>();
        for (long i = start; i < end; i++)
        {
            dims.Add(shape[i]);
        }
        return [NdIndex.Int64Vector(dims)];
    }

    private static long Clamp(long v, int rank) => Math.Clamp(v < 0 ? v + rank : v, 0, rank);
}
