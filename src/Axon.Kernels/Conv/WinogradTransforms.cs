using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Conv;

/// <summary>
/// The data transforms of Winograd F(4×4, 3×3) on 8 channels at a time (one <see cref="Vector256{T}"/> per value),
/// with the interpolation points 0, ±1, ±2 and ∞: the input transform V = Bᵀ·d·B of a 6×6 window and the output
/// transform Y = Aᵀ·M·A back to 4×4 pixels, each as a pass over rows then a pass over columns.
/// Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
/// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
/// </summary>
internal static unsafe class WinogradTransforms
{
    /// <summary>Bᵀ·(d0..d5): six values from <paramref name="d"/> (<paramref name="ds"/> apart) to <paramref name="o"/> (<paramref name="os"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input(Vector256<float>* d, int ds, Vector256<float>* o, int os)
    {
        var d0 = d[0];
        var d1 = d[ds];
        var d2 = d[2 * ds];
        var d3 = d[3 * ds];
        var d4 = d[4 * ds];
        var d5 = d[5 * ds];
        var four = Vector256.Create(4f);
        var five = Vector256.Create(5f);
        // Shared terms: rows 1-2 are ±4·d1 + (d4 − 4·d2) ∓ d3, rows 3-4 are ±2·(d3 − d1) + (d4 − d2).
        var a = d4 - four * d2;
        var b = four * d1 - d3;
        var c = d4 - d2;
        var e = (d3 - d1) * Vector256.Create(2f);
        o[0] = four * d0 - five * d2 + d4;
        o[os] = a - b;
        o[2 * os] = a + b;
        o[3 * os] = c + e;
        o[4 * os] = c - e;
        o[5 * os] = four * d1 - five * d3 + d5;
    }

    /// <summary>Aᵀ·(m0..m5): four values from <paramref name="m"/> (<paramref name="ms"/> apart) to <paramref name="o"/> (<paramref name="os"/> apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Output(Vector256<float>* m, int ms, Vector256<float>* o, int os)
    {
        var m0 = m[0];
        var s12 = m[ms] + m[2 * ms];
        var d12 = m[ms] - m[2 * ms];
        var s34 = m[3 * ms] + m[4 * ms];
        var d34 = m[3 * ms] - m[4 * ms];
        o[0] = m0 + s12 + s34;
        o[os] = d12 + Vector256.Create(2f) * d34;
        o[2 * os] = s12 + Vector256.Create(4f) * s34;
        o[3 * os] = d12 + Vector256.Create(8f) * d34 + m[5 * ms];
    }
}
