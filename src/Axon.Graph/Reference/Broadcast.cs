namespace Axon.Graph.Reference;

/// <summary>NumPy-style (multidirectional) broadcasting.</summary>
public static class Broadcast
{
    /// <summary>The broadcast shape of several shapes; throws naming both shapes when they are incompatible.</summary>
    public static int[] Shape(params int[][] shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int d = 1;
            foreach (var s in shapes)
            {
                int k = i - (rank - s.Length);
                if (k < 0)
                {
                    continue;
                }
                int v = s[k];
                if (v == d || v == 1)
                {
                    continue;
                }
                if (d != 1)
                {
                    throw new AxonModelException($"shapes {string.Join(" and ", shapes.Select(x => "[" + string.Join(",", x) + "]"))} cannot be broadcast (axis {i}: {d} vs {v})", "AXON120");
                }
                d = v;
            }
            r[i] = d;
        }
        return r;
    }

    /// <summary>For each flat index of <paramref name="outShape"/>, the flat index of the input element it reads.</summary>
    public static int[] IndexMap(int[] inShape, int[] outShape)
    {
        int n = Tensor.CheckedLength(outShape);
        var map = new int[n];
        if (inShape.AsSpan().SequenceEqual(outShape))
        {
            for (int i = 0; i < n; i++)
            {
                map[i] = i;
            }
            return map;
        }
        int rank = outShape.Length;
        var inStrides = new int[rank];
        int acc = 1;
        for (int i = inShape.Length - 1; i >= 0; i--)
        {
            int k = i + rank - inShape.Length;
            inStrides[k] = inShape[i] == 1 ? 0 : acc;
            acc *= inShape[i];
        }
        var idx = new int[rank];
        int pos = 0;
        for (int i = 0; i < n; i++)
        {
            map[i] = pos;
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                pos += inStrides[d];
                if (idx[d] < outShape[d])
                {
                    break;
                }
                pos -= inStrides[d] * idx[d];
                idx[d] = 0;
            }
        }
        return map;
    }

    /// <summary>Materializes <paramref name="t"/> broadcast to <paramref name="outShape"/>.</summary>
    public static Tensor To(Tensor t, int[] outShape)
    {
        if (t.Shape.AsSpan().SequenceEqual(outShape))
        {
            return t;
        }
        var map = IndexMap(t.Shape, outShape);
        if (t.DType == DType.String)
        {
            var src = t.Strings;
            var dst = new string[map.Length];
            for (int i = 0; i < map.Length; i++)
            {
                dst[i] = src[map[i]];
            }
            return Tensor.FromStrings(dst, outShape);
        }
        int size = t.DType.SizeOf();
        var r = Tensor.CreateUninitialized(t.DType, outShape);
        var s = t.Bytes;
        var d = r.Bytes;
        for (int i = 0; i < map.Length; i++)
        {
            s.Slice(map[i] * size, size).CopyTo(d.Slice(i * size, size));
        }
        return r;
    }
}
