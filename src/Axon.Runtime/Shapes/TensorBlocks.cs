namespace Axon.Runtime;

/// <summary>Byte-level copies that batching and padding need: concatenate along dim 0, pad or narrow one axis.</summary>
internal static class TensorBlocks
{
    /// <summary>Concatenates tensors of equal dtype and trailing dims along dim 0 into a new tensor.</summary>
    public static Tensor ConcatRows(IReadOnlyList<Tensor> parts)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var first = parts[0];
        var shape = (int[])first.Shape.Clone();
        shape[0] = parts.Sum(p => p.Shape[0]);
        var result = Tensor.CreateUninitialized(first.DType, shape);
        if (first.DType == DType.String)
        {
            int s = 0;
            foreach (var p in parts)
            {
                p.Strings.CopyTo(result.Strings[s..]);
                s += p.Length;
            }
            return result;
        }
        var dst = result.Bytes;
        int at = 0;
        foreach (var p in parts)
        {
            var src = p.Bytes;
            src.CopyTo(dst[at..]);
            at += src.Length;
        }
        return result;
    }

    /// <summary>Rows [start, start+count) as a tensor the caller owns (a copy).</summary>
    public static Tensor Rows(Tensor t, int start, int count) =>
        start == 0 && count == t.Shape[0] ? t : t.SliceOuter(start, count).Clone();

    /// <summary>A copy of <paramref name="t"/> grown along <paramref name="axis"/> to <paramref name="size"/>, new entries zero.</summary>
    public static Tensor PadAxis(Tensor t, int axis, int size)
    {
        if (t.Shape[axis] == size)
        {
            return t;
        }
        var shape = (int[])t.Shape.Clone();
        shape[axis] = size;
        var result = Tensor.Create(t.DType, shape);
        CopyBlocks(t, result, axis, t.Shape[axis]);
        return result;
    }

    /// <summary>A copy of the first <paramref name="size"/> entries of <paramref name="t"/> along <paramref name="axis"/>.</summary>
    public static Tensor NarrowAxis(Tensor t, int axis, int size)
    {
        if (t.Shape[axis] == size)
        {
            return t;
        }
        if (axis == 0)
        {
            return t.SliceOuter(0, size).Clone();
        }
        var shape = (int[])t.Shape.Clone();
        shape[axis] = size;
        var result = Tensor.CreateUninitialized(t.DType, shape);
        CopyBlocks(t, result, axis, size);
        return result;
    }

    // Copies, for every outer index, the first `keep` entries of `axis` (with everything inside them) from src to dst.
    private static void CopyBlocks(Tensor src, Tensor dst, int axis, int keep)
    {
        long outer = 1;
        for (int d = 0; d < axis; d++)
        {
            outer *= src.Shape[d];
        }
        long inner = 1;
        for (int d = axis + 1; d < src.Rank; d++)
        {
            inner *= src.Shape[d];
        }
        if (src.DType == DType.String)
        {
            var ss = src.Strings;
            var ds = dst.Strings;
            for (long o = 0; o < outer; o++)
            {
                ss.Slice((int)(o * src.Shape[axis] * inner), (int)(keep * inner)).CopyTo(ds[(int)(o * dst.Shape[axis] * inner)..]);
            }
            return;
        }
        int es = src.DType.SizeOf();
        long srcRow = src.Shape[axis] * inner * es, dstRow = dst.Shape[axis] * inner * es, n = keep * inner * es;
        var sb = src.Bytes;
        var db = dst.Bytes;
        for (long o = 0; o < outer; o++)
        {
            sb.Slice((int)(o * srcRow), (int)n).CopyTo(db[(int)(o * dstRow)..]);
        }
    }
}
