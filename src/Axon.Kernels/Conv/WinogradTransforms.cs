using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Axon.Kernels.Conv;

/// <summary>
/// One Winograd variant F(m×m, 3×3): m outputs per side from an (m+2)-wide input window. Each 1-D transform maps values
/// <c>ds</c> apart to values <c>os</c> apart, on 8 channels at a time (one <see cref="Vector256{T}"/> per value); the 2-D
/// transforms are a pass over rows then a pass over columns.
/// </summary>
internal interface IWinogradTile
{
    /// <summary>Outputs per tile side.</summary>
    static abstract int M { get; }

    /// <summary>Input window side, m + 2.</summary>
    static abstract int A { get; }

    /// <summary>Bᵀ·d: A values to A values.</summary>
    static abstract unsafe void Input(Vector256<float>* d, int ds, Vector256<float>* o, int os);

    /// <summary>Aᵀ·m: A values to M values.</summary>
    static abstract unsafe void Output(Vector256<float>* m, int ms, Vector256<float>* o, int os);

    /// <summary>G·g: a filter's 3 taps to A values, written <paramref name="step"/> apart from <paramref name="at"/>.</summary>
    static abstract void Filter(double g0, double g1, double g2, Span<double> dst, int at, int step);
}

/// <summary>
/// F(4×4, 3×3) with the interpolation points 0, ±1, ±2 and ∞: 36 points per tile, 2.25 multiply-adds per output and
/// channel pair. Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
/// G = [1/4 0 0; −1/6 −1/6 −1/6; −1/6 1/6 −1/6; 1/24 1/12 1/6; 1/24 −1/12 1/6; 0 0 1],
/// Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].
/// </summary>
internal readonly struct WinogradF4 : IWinogradTile
{
    public static int M => 4;

    public static int A => 6;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Input(Vector256<float>* d, int ds, Vector256<float>* o, int os)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Output(Vector256<float>* m, int ms, Vector256<float>* o, int os)
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

    public static void Filter(double g0, double g1, double g2, Span<double> dst, int at, int step)
    {
        dst[at] = g0 / 4;
        dst[at + step] = -(g0 + g1 + g2) / 6;
        dst[at + 2 * step] = -(g0 - g1 + g2) / 6;
        dst[at + 3 * step] = g0 / 24 + g1 / 12 + g2 / 6;
        dst[at + 4 * step] = g0 / 24 - g1 / 12 + g2 / 6;
        dst[at + 5 * step] = g2;
    }
}

/// <summary>
/// F(2×2, 3×3) with the points 0, ±1 and ∞: 16 points per tile, 4 multiply-adds per output and channel pair, but
/// transformed weights of only 16/9 the filter's size and the direct kernel's accuracy.
/// Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], Aᵀ = [1 1 1 0; 0 1 −1 −1].
/// </summary>
internal readonly struct WinogradF2 : IWinogradTile
{
    public static int M => 2;

    public static int A => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Input(Vector256<float>* d, int ds, Vector256<float>* o, int os)
    {
        var d1 = d[ds];
        var d2 = d[2 * ds];
        o[0] = d[0] - d2;
        o[os] = d1 + d2;
        o[2 * os] = d2 - d1;
        o[3 * os] = d1 - d[3 * ds];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Output(Vector256<float>* m, int ms, Vector256<float>* o, int os)
    {
        var m1 = m[ms];
        var m2 = m[2 * ms];
        o[0] = m[0] + m1 + m2;
        o[os] = m1 - m2 - m[3 * ms];
    }

    public static void Filter(double g0, double g1, double g2, Span<double> dst, int at, int step)
    {
        dst[at] = g0;
        dst[at + step] = (g0 + g1 + g2) / 2;
        dst[at + 2 * step] = (g0 - g1 + g2) / 2;
        dst[at + 3 * step] = g2;
    }
}
