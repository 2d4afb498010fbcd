namespace Axon.Graph.Reference;

/// <summary>
/// Which elements of a tensor fold into which output element when reducing over a set of axes. Every Reduce* op and
/// ArgMax/ArgMin build one of these, so each op file only states its fold (init, step, finish).
/// </summary>
internal sealed class Reduction
{
    private Reduction(int[] inShape, bool[] reduced, bool keepDims)
    {
        InShape = inShape;
        Reduced = reduced;
        var kept = new List<int>();
        var outShape = new List<int>();
        int groupSize = 1;
        for (int d = 0; d < inShape.Length; d++)
        {
            if (reduced[d])
            {
                groupSize *= inShape[d];
                if (keepDims)
                {
                    outShape.Add(1);
                }
            }
            else
            {
                outShape.Add(inShape[d]);
            }
        }
        OutShape = outShape.ToArray();
        GroupSize = groupSize;
        OutLength = Tensor.CheckedLength(OutShape);
        OutIndex = BuildOutIndex();
    }

    public int[] InShape { get; }

    /// <summary>Per input axis: true when it is reduced.</summary>
    public bool[] Reduced { get; }

    public int[] OutShape { get; }

    public int OutLength { get; }

    /// <summary>Elements folded into each output element (0 when a reduced axis is empty).</summary>
    public int GroupSize { get; }

    /// <summary>For each flat input index, the flat output index it folds into. Input order within a group is ascending.</summary>
    public int[] OutIndex { get; }

    /// <summary>A reduction over explicit axes (already validated and normalized to [0, rank)).</summary>
    public static Reduction Over(int[] shape, IEnumerable<int> axes, bool keepDims)
    {
        var reduced = new bool[shape.Length];
        foreach (int a in axes)
        {
            reduced[a] = true;
        }
        return new Reduction(shape, reduced, keepDims);
    }

    /// <summary>
    /// The reduction a Reduce* node asks for: axes from the optional second input (or the "axes" attribute of older
    /// opsets), keepdims, and noop_with_empty_axes (empty axes reduce nothing instead of everything).
    /// </summary>
    public static Reduction FromNode(OpContext ctx, Tensor data)
    {
        long[]? axes = ctx.HasInput(1) ? ctx.Input(1).ToInt64s() : ctx.Ints("axes");
        bool keepDims = ctx.Int("keepdims", 1) != 0;
        bool noop = ctx.Int("noop_with_empty_axes", 0) != 0;
        int rank = data.Rank;
        if (rank == 0)
        {
            // A scalar has nothing to reduce: axes [0] or [-1] (or none) leave it as it is.
            if (axes is not null)
            {
                foreach (long a in axes)
                {
                    NormalizeAxis(ctx, a, rank);
                }
            }
            return new Reduction(data.Shape, [], keepDims);
        }
        if (axes is null || axes.Length == 0)
        {
            return noop ? new Reduction(data.Shape, new bool[rank], keepDims) : Over(data.Shape, Enumerable.Range(0, rank), keepDims);
        }
        return Over(data.Shape, axes.Select(a => NormalizeAxis(ctx, a, rank)), keepDims);
    }

    /// <summary>Maps a possibly negative axis into [0, rank), failing with a node-naming error when out of range.</summary>
    public static int NormalizeAxis(OpContext ctx, long axis, int rank)
    {
        // A scalar accepts axis 0 or -1, as if it had one axis of length 1.
        long a = axis < 0 ? axis + Math.Max(rank, 1) : axis;
        if (a < 0 || a >= Math.Max(rank, 1))
        {
            throw ctx.Error($"axis {axis} is out of range for rank {rank}");
        }
        return (int)a;
    }

    /// <summary>Folds in double (for float dtypes): <paramref name="pre"/> maps each element, <paramref name="step"/> accumulates, <paramref name="finish"/> gets (acc, count).</summary>
    public double[] FoldDouble(double[] x, double init, Func<double, double, double> step, Func<double, int, double>? finish = null, Func<double, double>? pre = null)
    {
        var acc = new double[OutLength];
        Array.Fill(acc, init);
        for (int i = 0; i < x.Length; i++)
        {
            double v = pre is null ? x[i] : pre(x[i]);
            acc[OutIndex[i]] = step(acc[OutIndex[i]], v);
        }
        if (finish is not null)
        {
            for (int o = 0; o < acc.Length; o++)
            {
                acc[o] = finish(acc[o], GroupSize);
            }
        }
        return acc;
    }

    /// <summary>Folds in int64 (exact for integer dtypes, wrapping like the dtype's own arithmetic once narrowed).</summary>
    public long[] FoldInt64(long[] x, long init, Func<long, long, long> step, Func<long, int, long>? finish = null, Func<long, long>? pre = null)
    {
        var acc = new long[OutLength];
        Array.Fill(acc, init);
        for (int i = 0; i < x.Length; i++)
        {
            long v = pre is null ? x[i] : pre(x[i]);
            acc[OutIndex[i]] = step(acc[OutIndex[i]], v);
        }
        if (finish is not null)
        {
            for (int o = 0; o < acc.Length; o++)
            {
                acc[o] = finish(acc[o], GroupSize);
            }
        }
        return acc;
    }

    /// <summary>
    /// The common shape of a Reduce* op: integer dtypes (and bool) fold exactly in int64, everything else in double.
    /// <paramref name="fi"/> may be null when the op has no exact integer form (then integers go through double too).
    /// </summary>
    public static Tensor Run(OpContext ctx, Func<Reduction, double[], double[]> fd, Func<Reduction, long[], long[]>? fi)
    {
        var data = ctx.Input(0);
        var r = FromNode(ctx, data);
        if (fi is not null && (data.DType.IsInteger() || data.DType == DType.Bool))
        {
            return Tensor.FromInt64s(data.DType, fi(r, data.ToInt64s()), r.OutShape);
        }
        return Tensor.FromDoubles(data.DType, fd(r, data.ToDoubles()), r.OutShape);
    }

    /// <summary>The smallest and largest value of an integer (or bool) dtype, as int64 (uint64's top is handled by callers comparing unsigned).</summary>
    public static (long Min, long Max) IntRange(DType t) => t switch
    {
        DType.Bool => (0, 1),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int64 => (long.MinValue, long.MaxValue),
        DType.UInt8 => (0, byte.MaxValue),
        DType.UInt16 => (0, ushort.MaxValue),
        DType.UInt32 => (0, uint.MaxValue),
        DType.UInt64 => (0, -1),
        DType.Int4 => (-8, 7),
        DType.UInt4 => (0, 15),
        DType.Int2 => (-2, 1),
        DType.UInt2 => (0, 3),
        _ => (long.MinValue, long.MaxValue),
    };

    private int[] BuildOutIndex()
    {
        int n = Tensor.CheckedLength(InShape);
        var map = new int[n];
        int rank = InShape.Length;
        // Output stride of each input axis: 0 for reduced axes, else the stride of the matching kept output axis.
        var outStride = new int[rank];
        int acc = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (Reduced[d])
            {
                outStride[d] = 0;
            }
            else
            {
                outStride[d] = acc;
                acc *= InShape[d];
            }
        }
        var idx = new int[rank];
        int pos = 0;
        for (int i = 0; i < n; i++)
        {
            map[i] = pos;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                pos += outStride[d];
                if (idx[d] < InShape[d])
                {
                    break;
                }
                pos -= outStride[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }
}
