using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;

namespace Axon.Kernels.Norm;

/// <summary>
/// Softmax and log-softmax over the last axis of a [rows, cols] block: max, one vector-exp pass, one scale pass. The exp
/// is <see cref="FastExp.Exp"/> (single precision, ~1 ulp; the BCL's <c>Vector256.Exp</c> widens to double and took
/// ~1.9x the time); it flushes e^(x-max) below 2.6e-38 to 0, which moves no output by more than that (the sum is ≥ 1),
/// and keeps every multiply in the normal range, so masked rows (-∞, -1e4) cost no subnormal assists.
/// </summary>
public static class Softmax
{
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, bool log = false)
    {
        for (int r = 0; r < rows; r++)
        {
            Row(x.Slice(r * cols, cols), y.Slice(r * cols, cols), log);
        }
    }

    /// <summary>Softmax of one row; <paramref name="y"/> may alias <paramref name="x"/>.</summary>
    public static void Row(ReadOnlySpan<float> x, Span<float> y, bool log = false)
    {
        int n = x.Length;
        if (n == 0)
        {
            return;
        }
        float max = Reduce.Reductions.Max(x);
        if (float.IsNegativeInfinity(max))
        {
            max = 0;
        }
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        float sum = 0;
        int i = 0;
        if (log)
        {
            if (Vector256.IsHardwareAccelerated)
            {
                var vm = Vector256.Create(max);
                var acc = Vector256<float>.Zero;
                for (; i <= n - 8; i += 8)
                {
                    acc += FastExp.Exp(Vector256.LoadUnsafe(ref rx, (nuint)i) - vm);
                }
                sum = Vector256.Sum(acc);
            }
            for (; i < n; i++)
            {
                sum += MathF.Exp(x[i] - max);
            }
            float shift = max + MathF.Log(sum);
            for (int j = 0; j < n; j++)
            {
                y[j] = x[j] - shift;
            }
            return;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vm = Vector256.Create(max);
            var acc = Vector256<float>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var e = FastExp.Exp(Vector256.LoadUnsafe(ref rx, (nuint)i) - vm);
                e.StoreUnsafe(ref ry, (nuint)i);
                acc += e;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < n; i++)
        {
            float e = MathF.Exp(x[i] - max);
            y[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vi = Vector256.Create(inv);
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref ry, (nuint)i) * vi).StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            y[i] *= inv;
        }
    }
}
