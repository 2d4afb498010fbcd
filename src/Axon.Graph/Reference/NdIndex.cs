using System.Runtime.InteropServices;

namespace Axon.Graph.Reference;

/// <summary>
/// Index arithmetic and dtype-agnostic element movement for the shape and data-movement reference ops. Data movement
/// never converts values: elements are copied as raw bytes (or string references), so every dtype - including the
/// small float formats, complex and 4-bit types - passes through unchanged.
/// </summary>
internal static class NdIndex
{
    /// <summary>Normalizes a possibly negative axis into [0, rank); an error naming the node otherwise.</summary>
    public static int Axis(OpContext ctx, long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw ctx.Error($"{what} {axis} is out of range for rank {rank}");
        }
        return (int)a;
    }

    /// <summary>Normalizes a list of axes, rejecting duplicates.</summary>
    public static int[] Axes(OpContext ctx, IEnumerable<long> axes, int rank, string what = "axes")
    {
        var r = axes.Select(a => Axis(ctx, a, rank, what)).ToArray();
        if (r.Distinct().Count() != r.Length)
        {
            throw ctx.Error($"{what} [{string.Join(",", axes)}] repeat an axis");
        }
        return r;
    }

    /// <summary>Product of <paramref name="shape"/>[from..to).</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        long p = 1;
        for (int i = from; i < to; i++)
        {
            p *= shape[i];
        }
        return checked((int)p);
    }

    public static int Product(ReadOnlySpan<int> shape) => Product(shape, 0, shape.Length);

    /// <summary>Advances a row-major multi-index (odometer); wraps to all zeros after the last index.</summary>
    public static void Increment(int[] idx, ReadOnlySpan<int> shape)
    {
        for (int d = idx.Length - 1; d >= 0; d--)
        {
            if (++idx[d] < shape[d])
            {
                return;
            }
            idx[d] = 0;
        }
    }

    /// <summary>Flat offset of a multi-index given strides.</summary>
    public static int Flat(ReadOnlySpan<int> idx, ReadOnlySpan<int> strides)
    {
        int s = 0;
        for (int i = 0; i < idx.Length; i++)
        {
            s += idx[i] * strides[i];
        }
        return s;
    }

    /// <summary>
    /// Visits every multi-index of <paramref name="shape"/> in row-major order and records <paramref name="source"/>(index):
    /// the flat index an output element reads (see <see cref="Take"/>). The index array is reused between calls.
    /// </summary>
    public static int[] Map(int[] shape, Func<int[], int> source)
    {
        int n = Tensor.CheckedLength(shape);
        var map = new int[n];
        var idx = new int[shape.Length];
        for (int i = 0; i < n; i++)
        {
            map[i] = source(idx);
            Increment(idx, shape);
        }
        return map;
    }

    /// <summary>
    /// A new tensor of <paramref name="a"/>'s dtype and the given shape whose element i is <paramref name="a"/>[map[i]] when
    /// map[i] &gt;= 0, else <paramref name="b"/>[~map[i]] (zero, or "" for strings, when <paramref name="b"/> is null).
    /// </summary>
    public static Tensor Take(Tensor a, Tensor? b, ReadOnlySpan<int> map, int[] shape)
    {
        if (b is not null && b.DType != a.DType)
        {
            throw new AxonModelException($"cannot mix {a.DType.OnnxName()} and {b.DType.OnnxName()} elements", "AXON110");
        }
        var r = Tensor.Create(a.DType, shape);
        if (map.Length != r.Length)
        {
            throw new AxonException($"index map of {map.Length} entries does not fill shape [{string.Join(",", shape)}]");
        }
        if (a.DType == DType.String)
        {
            var s = a.Strings;
            var f = b is null ? default : b.Strings;
            var d = r.Strings;
            for (int i = 0; i < map.Length; i++)
            {
                int m = map[i];
                d[i] = m >= 0 ? s[m] : b is null ? string.Empty : f[~m];
            }
            return r;
        }
        var sb = a.Bytes;
        var fb = b is null ? default : b.Bytes;
        var db = r.Bytes;
        switch (a.DType.SizeOf())
        {
            case 1: TakeTyped(sb, fb, db, map, b is not null); break;
            case 2: TakeTyped(MemoryMarshal.Cast<byte, ushort>(sb), MemoryMarshal.Cast<byte, ushort>(fb), MemoryMarshal.Cast<byte, ushort>(db), map, b is not null); break;
            case 4: TakeTyped(MemoryMarshal.Cast<byte, uint>(sb), MemoryMarshal.Cast<byte, uint>(fb), MemoryMarshal.Cast<byte, uint>(db), map, b is not null); break;
            case 8: TakeTyped(MemoryMarshal.Cast<byte, ulong>(sb), MemoryMarshal.Cast<byte, ulong>(fb), MemoryMarshal.Cast<byte, ulong>(db), map, b is not null); break;
            case 16: TakeTyped(MemoryMarshal.Cast<byte, UInt128>(sb), MemoryMarshal.Cast<byte, UInt128>(fb), MemoryMarshal.Cast<byte, UInt128>(db), map, b is not null); break;
            default: throw new AxonException($"no element mover for {a.DType.OnnxName()}");
        }
        return r;
    }

    private static void TakeTyped<T>(ReadOnlySpan<T> s, ReadOnlySpan<T> f, Span<T> d, ReadOnlySpan<int> map, bool hasFill) where T : unmanaged
    {
        for (int i = 0; i < map.Length; i++)
        {
            int m = map[i];
            if (m >= 0)
            {
                d[i] = s[m];
            }
            else if (hasFill)
            {
                d[i] = f[~m];
            }
        }
    }

    /// <summary>Copies <paramref name="count"/> consecutive elements between tensors of one dtype.</summary>
    public static void CopyBlock(Tensor src, int srcOffset, Tensor dst, int dstOffset, int count)
    {
        if (count == 0)
        {
            return;
        }
        if (src.DType == DType.String)
        {
            src.Strings.Slice(srcOffset, count).CopyTo(dst.Strings.Slice(dstOffset, count));
            return;
        }
        int size = src.DType.SizeOf();
        src.Bytes.Slice(srcOffset * size, count * size).CopyTo(dst.Bytes.Slice(dstOffset * size, count * size));
    }

    /// <summary>Permutes axes: output axis k is input axis perm[k].</summary>
    public static Tensor Transpose(Tensor t, int[] perm)
    {
        var inStrides = Tensor.StridesOf(t.Shape);
        var outShape = perm.Select(p => t.Shape[p]).ToArray();
        var permStrides = perm.Select(p => inStrides[p]).ToArray();
        return Take(t, null, Map(outShape, idx => Flat(idx, permStrides)), outShape);
    }

    /// <summary>The elements of an integer tensor that holds a shape, axes or indices.</summary>
    public static long[] Ints(OpContext ctx, Tensor t, string what)
    {
        if (!t.DType.IsInteger())
        {
            throw ctx.Error($"{what} must be an integer tensor, got {t.DType.OnnxName()}");
        }
        return t.ToInt64s();
    }

    /// <summary>An int64 value as a dimension or index, with an error naming the node when it does not fit.</summary>
    public static int ToInt(OpContext ctx, long v, string what)
    {
        if (v < int.MinValue || v > int.MaxValue)
        {
            throw ctx.Error($"{what} {v} is too large");
        }
        return (int)v;
    }

    public static Tensor Int64Vector(IEnumerable<long> values)
    {
        var a = values.ToArray();
        return Tensor.FromArray(a, a.Length);
    }

    public static string Str(IEnumerable<int> shape) => "[" + string.Join(",", shape) + "]";
}
