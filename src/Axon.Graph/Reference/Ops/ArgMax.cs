namespace Axon.Graph.Reference.Ops;

/// <summary>ArgMax: int64 index of the largest element along one axis; ties go to the first index unless select_last_index.</summary>
[Op("ArgMax")]
internal sealed class ArgMax : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Arg(ctx, wantMax: true)];

    /// <summary>Shared by ArgMax and ArgMin: one pass over the input in flat order, which visits each group's axis positions in ascending order.</summary>
    internal static Tensor Arg(OpContext ctx, bool wantMax)
    {
        var data = ctx.Input(0);
        int rank = data.Rank;
        int axis = Reduction.NormalizeAxis(ctx, ctx.Int("axis", 0), rank);
        bool keepDims = ctx.Int("keepdims", 1) != 0;
        bool last = ctx.Int("select_last_index", 0) != 0;
        if (rank > 0 && data.Shape[axis] == 0)
        {
            throw ctx.Error($"cannot take the arg{(wantMax ? "max" : "min")} of an empty axis {axis}");
        }
        var r = Reduction.Over(data.Shape, rank == 0 ? [] : [axis], keepDims);
        int stride = 1;
        for (int d = axis + 1; d < rank; d++)
        {
            stride *= data.Shape[d];
        }
        int dim = rank == 0 ? 1 : data.Shape[axis];
        var best = new long[r.OutLength];
        var seen = new bool[r.OutLength];
        Func<int, int, int> cmp = Comparer(data, wantMax);
        var bestFlat = new int[r.OutLength];
        for (int i = 0; i < data.Length; i++)
        {
            int o = r.OutIndex[i];
            int c = seen[o] ? cmp(i, bestFlat[o]) : 1;
            if (c > 0 || (c == 0 && last))
            {
                seen[o] = true;
                bestFlat[o] = i;
                best[o] = i / stride % dim;
            }
        }
        return Tensor.FromInt64s(DType.Int64, best, r.OutShape);
    }

    /// <summary>
    /// How much better flat element a is than b (positive: a wins): exact for integers (uint64 unsigned), in double for
    /// floats, where NaN beats every number in both directions (as NumPy's argmax/argmin return the first NaN).
    /// </summary>
    private static Func<int, int, int> Comparer(Tensor data, bool wantMax)
    {
        int sign = wantMax ? 1 : -1;
        if (data.DType == DType.UInt64)
        {
            var u = data.ToInt64s();
            return (a, b) => sign * ((ulong)u[a]).CompareTo((ulong)u[b]);
        }
        if (data.DType.IsInteger() || data.DType == DType.Bool)
        {
            var l = data.ToInt64s();
            return (a, b) => sign * l[a].CompareTo(l[b]);
        }
        var d = data.ToDoubles();
        return (a, b) => (double.IsNaN(d[a]), double.IsNaN(d[b])) switch
        {
            (true, true) => 0,
            (true, false) => 1,
            (false, true) => -1,
            _ => sign * d[a].CompareTo(d[b]),
        };
    }
}
