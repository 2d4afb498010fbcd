namespace Axon.Graph.Reference;

/// <summary>
/// Dtype-agnostic moves of whole blocks along one axis (concat, stack, take, slice), shared by the control-flow and
/// sequence ops. They copy raw element bytes (or string references), so every dtype round-trips exactly.
/// </summary>
internal static class AxisOps
{
    /// <summary>Normalizes a possibly negative axis against <paramref name="rank"/>; throws when out of range.</summary>
    public static int Normalize(long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new AxonModelException($"{what} {axis} is out of range for rank {rank}", "AXON121");
        }
        return (int)a;
    }

    /// <summary>Concatenates tensors of one dtype along <paramref name="axis"/>; all other dims must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> parts, int axis)
    {
        if (parts.Count == 0)
        {
            throw new AxonModelException("cannot concatenate zero tensors", "AXON121");
        }
        var first = parts[0];
        var shape = (int[])first.Shape.Clone();
        int total = 0;
        foreach (var p in parts)
        {
            if (p.DType != first.DType || p.Rank != first.Rank)
            {
                throw new AxonModelException($"cannot concatenate {first} with {p}", "AXON121");
            }
            for (int d = 0; d < shape.Length; d++)
            {
                if (d != axis && p.Shape[d] != shape[d])
                {
                    throw new AxonModelException($"cannot concatenate {first} with {p} along axis {axis}", "AXON121");
                }
            }
            total += p.Shape[axis];
        }
        shape[axis] = total;
        var result = Tensor.Create(first.DType, shape);
        int outer = Outer(shape, axis);
        int inner = Inner(shape, axis);
        int offset = 0;
        foreach (var p in parts)
        {
            int block = p.Shape[axis] * inner;
            for (int o = 0; o < outer; o++)
            {
                Copy(p, o * block, result, o * total * inner + offset * inner, block);
            }
            offset += p.Shape[axis];
        }
        return result;
    }

    /// <summary>Stacks same-shaped tensors along a new axis inserted at <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> parts, int axis)
    {
        var expanded = parts.Select(p =>
        {
            var s = p.Shape.ToList();
            s.Insert(axis, 1);
            return p.Reshape(s.ToArray());
        }).ToList();
        return Concat(expanded, axis);
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="axis"/>, with that axis removed.</summary>
    public static Tensor Take(Tensor t, int axis, int index)
    {
        var s = Slice(t, axis, index, 1);
        var shape = t.Shape.Where((_, i) => i != axis).ToArray();
        return s.Reshape(shape);
    }

    /// <summary>Elements <paramref name="start"/>..start+count along <paramref name="axis"/> (axis kept), as a new tensor.</summary>
    public static Tensor Slice(Tensor t, int axis, int start, int count)
    {
        if (start < 0 || count < 0 || start + count > t.Shape[axis])
        {
            throw new AxonModelException($"slice {start}+{count} outside axis {axis} of {t}", "AXON121");
        }
        var shape = (int[])t.Shape.Clone();
        shape[axis] = count;
        var r = Tensor.Create(t.DType, shape);
        int outer = Outer(t.Shape, axis);
        int inner = Inner(t.Shape, axis);
        for (int o = 0; o < outer; o++)
        {
            Copy(t, (o * t.Shape[axis] + start) * inner, r, o * count * inner, count * inner);
        }
        return r;
    }

    /// <summary>Copies <paramref name="count"/> elements between flat positions of two tensors of one dtype.</summary>
    public static void Copy(Tensor src, int srcIndex, Tensor dst, int dstIndex, int count)
    {
        if (count == 0)
        {
            return;
        }
        if (src.DType == DType.String)
        {
            src.Strings.Slice(srcIndex, count).CopyTo(dst.Strings.Slice(dstIndex, count));
            return;
        }
        int size = src.DType.SizeOf();
        src.Bytes.Slice(srcIndex * size, count * size).CopyTo(dst.Bytes.Slice(dstIndex * size, count * size));
    }

    private static int Outer(int[] shape, int axis)
    {
        int n = 1;
        for (int i = 0; i < axis; i++)
        {
            n *= shape[i];
        }
        return n;
    }

    private static int Inner(int[] shape, int axis)
    {
        int n = 1;
        for (int i = axis + 1; i < shape.Length; i++)
        {
            n *= shape[i];
        }
        return n;
    }
}
