using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Elementwise;

/// <summary>
/// Broadcasting binary kernel. The shapes are split into an outer part walked with an index counter and the longest
/// inner suffix where each operand is either contiguous with the output or a single broadcast scalar, so the hot loop
/// is always one of three straight vector loops.
/// </summary>
public static class Binary
{
    /// <summary>y = op(a, b) with NumPy broadcasting; <paramref name="yShape"/> is the broadcast shape.</summary>
    public static void Apply<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<int> aShape, ReadOnlySpan<float> b, ReadOnlySpan<int> bShape,
        Span<float> y, ReadOnlySpan<int> yShape) where TOp : struct, IBinaryOp
    {
        int rank = yShape.Length;
        Span<int> sa = stackalloc int[rank];
        Span<int> sb = stackalloc int[rank];
        Strides(aShape, yShape, sa);
        Strides(bShape, yShape, sb);

        // Longest suffix where a (and b) is uniformly contiguous or uniformly broadcast.
        int inner = 1;
        int split = rank;
        bool aVec = true, bVec = true, first = true;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (yShape[d] == 1)
            {
                split = d;
                continue;
            }
            bool av = sa[d] != 0, bv = sb[d] != 0;
            if (first)
            {
                aVec = av;
                bVec = bv;
                first = false;
            }
            else if (av != aVec || bv != bVec || (av && sa[d] != inner) || (bv && sb[d] != inner))
            {
                break;
            }
            inner *= yShape[d];
            split = d;
        }
        int total = y.Length;
        if (total == 0)
        {
            return;
        }
        int outer = total / inner;
        Span<int> idx = stackalloc int[Math.Max(split, 1)];
        idx.Clear();
        int offA = 0, offB = 0;
        for (int o = 0; o < outer; o++)
        {
            var ys = y.Slice(o * inner, inner);
            if (aVec && bVec)
            {
                VecVec(op, a.Slice(offA, inner), b.Slice(offB, inner), ys);
            }
            else if (aVec)
            {
                VecScalar(op, a.Slice(offA, inner), b[offB], ys, swap: false);
            }
            else if (bVec)
            {
                VecScalar(op, b.Slice(offB, inner), a[offA], ys, swap: true);
            }
            else
            {
                ys.Fill(op.Invoke(a[offA], b[offB]));
            }
            for (int d = split - 1; d >= 0; d--)
            {
                offA += sa[d];
                offB += sb[d];
                if (++idx[d] < yShape[d])
                {
                    break;
                }
                offA -= sa[d] * yShape[d];
                offB -= sb[d] * yShape[d];
                idx[d] = 0;
            }
        }
    }

    private static void Strides(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape, Span<int> strides)
    {
        int rank = outShape.Length;
        int acc = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int k = d - (rank - shape.Length);
            int dim = k >= 0 ? shape[k] : 1;
            strides[d] = dim == 1 ? 0 : acc;
            acc *= dim;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VecVec<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where TOp : struct, IBinaryOp
    {
        int n = y.Length;
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref ry, i) = op.Invoke(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VecScalar<TOp>(TOp op, ReadOnlySpan<float> v, float s, Span<float> y, bool swap) where TOp : struct, IBinaryOp
    {
        int n = y.Length;
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(s);
            for (; i <= n - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref rv, (nuint)i);
                (swap ? op.Invoke(vs, x) : op.Invoke(x, vs)).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float x = Unsafe.Add(ref rv, i);
            Unsafe.Add(ref ry, i) = swap ? op.Invoke(s, x) : op.Invoke(x, s);
        }
    }
}
