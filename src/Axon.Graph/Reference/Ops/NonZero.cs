namespace Axon.Graph.Reference.Ops;

/// <summary>NonZero: int64 [rank, n] holding the indices of the non-zero elements in row-major order (NaN counts as non-zero).</summary>
[Op("NonZero")]
internal sealed class NonZero : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        bool[] nz = x.DType == DType.String
            ? x.Strings.ToArray().Select(s => s.Length > 0).ToArray()
            : x.DType.IsFloat() ? x.ToDoubles().Select(v => v != 0).ToArray() : x.ToInt64s().Select(v => v != 0).ToArray();
        int rank = x.Rank;
        var hits = new List<int[]>();
        var idx = new int[rank];
        for (int f = 0; f < nz.Length; f++)
        {
            if (nz[f])
            {
                hits.Add((int[])idx.Clone());
            }
            NdIndex.Increment(idx, x.Shape);
        }
        var r = new long[rank * hits.Count];
        for (int h = 0; h < hits.Count; h++)
        {
            for (int d = 0; d < rank; d++)
            {
                r[d * hits.Count + h] = hits[h][d];
            }
        }
        return [Tensor.FromArray(r, rank, hits.Count)];
    }
}
