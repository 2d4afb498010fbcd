using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Norm;

/// <summary>
/// LayerNormalization over the last <c>cols</c> elements of each row: two passes (mean, then variance of the centred
/// values, which is stable where E[x²]-E[x]² is not), then a fused normalize-scale-shift pass.
/// </summary>
public static class LayerNorm
{
    public static void Rows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon,
        Span<float> meanOut = default, Span<float> invStdOut = default)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var yr = y.Slice(r * cols, cols);
            float mean = Reduce.Reductions.Sum(xr) / cols;
            float var = 0;
            int i = 0;
            ref float rx = ref MemoryMarshal.GetReference(xr);
            if (Vector256.IsHardwareAccelerated)
            {
                var vm = Vector256.Create(mean);
                var acc = Vector256<float>.Zero;
                for (; i <= cols - 8; i += 8)
                {
                    var d = Vector256.LoadUnsafe(ref rx, (nuint)i) - vm;
                    acc = Vector256.FusedMultiplyAdd(d, d, acc);
                }
                var = Vector256.Sum(acc);
            }
            for (; i < cols; i++)
            {
                float d = xr[i] - mean;
                var += d * d;
            }
            float inv = 1f / MathF.Sqrt(var / cols + epsilon);
            if (!meanOut.IsEmpty)
            {
                meanOut[r] = mean;
            }
            if (!invStdOut.IsEmpty)
            {
                invStdOut[r] = inv;
            }
            Normalize(xr, yr, mean, inv, gamma, beta);
        }
    }

    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, float mean, float inv, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta)
    {
        int n = x.Length;
        int i = 0;
        bool hasBeta = !beta.IsEmpty;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float ry = ref MemoryMarshal.GetReference(y);
        ref float rg = ref MemoryMarshal.GetReference(gamma);
        ref float rb = ref MemoryMarshal.GetReference(beta);
        if (Vector256.IsHardwareAccelerated)
        {
            var vm = Vector256.Create(mean);
            var vi = Vector256.Create(inv);
            for (; i <= n - 8; i += 8)
            {
                var v = (Vector256.LoadUnsafe(ref rx, (nuint)i) - vm) * vi * Vector256.LoadUnsafe(ref rg, (nuint)i);
                if (hasBeta)
                {
                    v += Vector256.LoadUnsafe(ref rb, (nuint)i);
                }
                v.StoreUnsafe(ref ry, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            y[i] = (x[i] - mean) * inv * gamma[i] + (hasBeta ? beta[i] : 0f);
        }
    }
}
