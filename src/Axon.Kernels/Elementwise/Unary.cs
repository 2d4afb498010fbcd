using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Elementwise;

/// <summary>The one loop behind every unary elementwise kernel: 8-wide vectors, the tail handled by overlapping the last vector.</summary>
public static class Unary
{
    /// <summary>y[i] = op(x[i]). <paramref name="y"/> may alias <paramref name="x"/> (in place).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Apply<TOp>(TOp op, ReadOnlySpan<float> x, Span<float> y) where TOp : struct, IUnaryOp
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException("output shorter than input");
        }
        int n = x.Length;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float ys = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            int i = 0;
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
            }
            if (i < n)
            {
                // Overlap the final vector with already-written elements; safe for pure functions only when not in place.
                if (Unsafe.AreSame(ref xs, ref ys))
                {
                    for (; i < n; i++)
                    {
                        Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref xs, i));
                    }
                }
                else
                {
                    op.Invoke(Vector256.LoadUnsafe(ref xs, (nuint)(n - 8))).StoreUnsafe(ref ys, (nuint)(n - 8));
                }
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            Unsafe.Add(ref ys, i) = op.Invoke(Unsafe.Add(ref xs, i));
        }
    }
}
