using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Conv;

/// <summary>
/// The NCHWc convolution micro-kernel: <c>count</c> (1..6) output pixels × 16 output channels over one chunk of the
/// reduction. AVX2: two vectors per pixel, 12 accumulators at 6 pixels; per input channel and tap two weight loads and
/// one broadcast per pixel feed two FMAs. The accumulators start from bias (+ residual) on the reduction's first chunk,
/// else from the partial sums in the output; the last chunk applies the activation. The pixel count and the pixel
/// stride are type parameters, so each count compiles to its own straight-line kernel whose broadcasts use fixed
/// displacements. Scalar fallback for machines (or test tiers) without AVX2.
/// </summary>
internal static unsafe partial class NchwcConvTile
{
    /// <summary>Mode bit: the reduction's first chunk (start from bias and residual, not from the output).</summary>
    public const int First = 1;

    /// <summary>Mode bit: the reduction's last chunk (apply the activation).</summary>
    public const int Last = 2;

    /// <summary>Mode bit: the first pass over this input (prefetch each next tile's input lines while a tile runs).</summary>
    public const int PrefetchInput = 4;

    /// <summary>Mode bit: prefetch the next tile's output (and residual) lines while a tile runs.</summary>
    public const int PrefetchOutput = 8;

    /// <summary>
    /// One run of <paramref name="pixels"/> output pixels (a row or a row segment) for one output block, in balanced
    /// tiles (14 pixels as 5+5+4, not 6+6+2: a 2-pixel tile is load-bound); <paramref name="prefetchLines"/> cache lines
    /// from <paramref name="prefetch"/> (the next weights) are touched along the way.
    /// </summary>
    public static void Row(int pixels, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode, byte* prefetch, int prefetchLines)
    {
        int tiles = (pixels + NchwcConv.TilePixels - 1) / NchwcConv.TilePixels;
        int q = pixels / tiles, big = pixels % tiles;
        int perTile = (prefetchLines + tiles - 1) / tiles;
        if (!NchwcConv.Avx2)
        {
            for (int t = 0; t < tiles; t++)
            {
                int count = t < big ? q + 1 : q;
                Scalar(count, x, w, y, r, bias, a, mode);
                x += count * a.PixStrideX;
                y += count * Nchwc.Block;
                r = r is null ? null : r + count * Nchwc.Block;
            }
            return;
        }
        switch (a.PixStrideX)
        {
            case Nchwc.Block when FixedWindows && a.KH == 1 && a.KW == 1 && a.IcCount == Nchwc.Block:
                Split<S16K1>(q, big, tiles, x, w, y, r, bias, a, mode, prefetch, perTile);
                break;
            case Nchwc.Block: Split<S16>(q, big, tiles, x, w, y, r, bias, a, mode, prefetch, perTile); break;
            case 2 * Nchwc.Block: Split<S32>(q, big, tiles, x, w, y, r, bias, a, mode, prefetch, perTile); break;
            case 6: Split<S6>(q, big, tiles, x, w, y, r, bias, a, mode, prefetch, perTile); break;
            default: Split<SAny>(q, big, tiles, x, w, y, r, bias, a, mode, prefetch, perTile); break;
        }
    }

    private static void Split<TS>(int q, int big, int tiles, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode,
        byte* pf, int perTile) where TS : struct, IStride
    {
        if (big > 0)
        {
            Dispatch<TS>(q + 1, big, x, w, y, r, bias, a, mode, pf, perTile);
            x += (long)big * (q + 1) * a.PixStrideX;
            y += big * (q + 1) * Nchwc.Block;
            r = r is null ? null : r + big * (q + 1) * Nchwc.Block;
            pf = pf is null ? null : pf + (long)big * perTile * 64;
        }
        Dispatch<TS>(q, tiles - big, x, w, y, r, bias, a, mode, pf, perTile);
    }

    private static void Dispatch<TS>(int count, int tiles, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode,
        byte* pf, int perTile) where TS : struct, IStride
    {
        switch (count)
        {
            case 6: Tile<P6, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
            case 5: Tile<P5, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
            case 4: Tile<P4, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
            case 3: Tile<P3, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
            case 2: Tile<P2, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
            default: Tile<P1, TS>(tiles, x, w, y, r, bias, a, mode, pf, perTile); break;
        }
    }

    private interface IStride
    {
        /// <summary>Floats between neighbouring pixels' inputs, or 0 for "read it from the arguments".</summary>
        static abstract int PS { get; }

        /// <summary>
        /// A K×K window over blocked input (16 lanes per tap) known when the kernel is compiled, or 0 for "read the window
        /// from the arguments". With the bounds and weight strides constant, ResNet-50's unstrided 1×1 layers ran 6-10%
        /// faster (side by side, both orders); a fixed 3×3 measured no different, so only K = 1 is instantiated.
        /// </summary>
        static virtual int K => 0;
    }

    /// <summary>Unstrided 1×1 windows over blocked input take the loop with fixed bounds (tunable for benchmarks).</summary>
    internal static bool FixedWindows = true;

    private readonly struct S16 : IStride { public static int PS => Nchwc.Block; }
    private readonly struct S16K1 : IStride { public static int PS => Nchwc.Block; public static int K => 1; }
    private readonly struct S32 : IStride { public static int PS => 2 * Nchwc.Block; }
    private readonly struct S6 : IStride { public static int PS => 6; }   // the stem: 3 interleaved channels, stride 2
    private readonly struct SAny : IStride { public static int PS => 0; }

    private interface IPixels
    {
        static abstract int N { get; }
    }

    private readonly struct P1 : IPixels { public static int N => 1; }
    private readonly struct P2 : IPixels { public static int N => 2; }
    private readonly struct P3 : IPixels { public static int N => 3; }
    private readonly struct P4 : IPixels { public static int N => 4; }
    private readonly struct P5 : IPixels { public static int N => 5; }
    private readonly struct P6 : IPixels { public static int N => 6; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TP, TS>(int tiles, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode,
        byte* pf, int perTile) where TP : struct, IPixels where TS : struct, IStride
    {
        long ps = TS.PS > 0 ? TS.PS : a.PixStrideX;
        // The input lines one tile reads per (input block, kernel row): its pixels' windows side by side.
        bool split = a.KwOddX != a.KwStrideX;
        long span = (TP.N - 1) * ps + (split ? ((a.KW - 1) >> 1) * a.KwPairX : (a.KW - 1) * a.KwStrideX) + a.IcCount;
        for (int t = 0; t < tiles; t++, x += TP.N * ps, y += TP.N * Nchwc.Block, r = r is null ? null : r + TP.N * Nchwc.Block)
        {
            TileOnce<TP, TS>(x, w, y, r, bias, a, mode);
            if ((mode & PrefetchInput) != 0)
            {
                PrefetchTile(x + TP.N * ps, span, a);
            }
            if ((mode & PrefetchOutput) != 0)
            {
                // The next tile's outputs (contiguous after this one's, also across a row end; a prefetch never faults).
                byte* py = (byte*)(y + 2 * TP.N * Nchwc.Block);
                byte* pr = r is null ? null : (byte*)(r + 2 * TP.N * Nchwc.Block);
                for (int i = 0; i < TP.N; i++)
                {
                    Sse.Prefetch0(py + i * 64);
                    if (pr is not null)
                    {
                        Sse.Prefetch0(pr + i * 64);
                    }
                }
            }
            if (pf is not null)
            {
                for (int i = 0; i < perTile; i++, pf += 64)
                {
                    Sse.Prefetch0(pf);
                }
            }
        }
    }

    /// <summary>The lines a tile reads per (input block, kernel row): the even taps' span, and the odd taps' where the width is split.</summary>
    private static void PrefetchTile(float* x, long span, in TileArgs a)
    {
        bool split = a.KW > 1 && a.KwOddX != a.KwStrideX;
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            for (int kh = 0; kh < a.KH; kh++)
            {
                float* row = x + cb * a.CbStrideX + kh * a.RowStrideX;
                PrefetchSpan(row, span);
                if (split)
                {
                    PrefetchSpan(row + a.KwOddX, span);
                }
            }
        }
    }

    private static void PrefetchSpan(float* x, long span)
    {
        byte* p = (byte*)x;
        byte* end = p + span * sizeof(float);
        for (p = (byte*)((nint)p & ~63); p < end; p += 64)
        {
            Sse.Prefetch0(p);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TileOnce<TP, TS>(float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode)
        where TP : struct, IPixels where TS : struct, IStride
    {
        Vector256<float> c00, c01, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        bool first = (mode & First) != 0;
        var bias0 = Avx.LoadVector256(bias);
        var bias1 = Avx.LoadVector256(bias + 8);
        c00 = Init(y, r, 0, bias0, first);
        c01 = Init(y, r, 8, bias1, first);
        if (TP.N > 1) { c10 = Init(y, r, 16, bias0, first); c11 = Init(y, r, 24, bias1, first); }
        if (TP.N > 2) { c20 = Init(y, r, 32, bias0, first); c21 = Init(y, r, 40, bias1, first); }
        if (TP.N > 3) { c30 = Init(y, r, 48, bias0, first); c31 = Init(y, r, 56, bias1, first); }
        if (TP.N > 4) { c40 = Init(y, r, 64, bias0, first); c41 = Init(y, r, 72, bias1, first); }
        if (TP.N > 5) { c50 = Init(y, r, 80, bias0, first); c51 = Init(y, r, 88, bias1, first); }
        long ps = TS.PS > 0 ? TS.PS : a.PixStrideX;
        // A fixed window (TS.K > 0): 16 lanes per tap, K×K taps of 256 weights per input block, all constants.
        int icCount = TS.K > 0 ? Nchwc.Block : a.IcCount;
        int khCount = TS.K > 0 ? TS.K : a.KH, kwCount = TS.K > 0 ? TS.K : a.KW;
        long wBlockStride = TS.K > 0 ? TS.K * TS.K * Nchwc.Block * Nchwc.Block : a.WBlockStride;
        int wTapStride = TS.K > 0 ? Nchwc.Block * Nchwc.Block : a.WTapStride;
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            float* xc = x + cb * a.CbStrideX;
            float* wc = w + cb * wBlockStride;
            for (int kh = 0; kh < khCount; kh++)
            {
                for (int kw = 0; kw < kwCount; kw++)
                {
                    float* xp = TS.K == 1 ? xc : xc + kh * a.RowStrideX + a.KwOffset(kw);
                    float* wp = TS.K == 1 ? wc : wc + (kh * kwCount + kw) * wTapStride;
                    float* wEnd = wp + icCount * Nchwc.Block;
                    float* wPairs = wp + (icCount & ~1) * Nchwc.Block;
                    // Two input channels per iteration: the loop's pointer updates and branch are paid half as often.
                    for (; wp < wPairs; wp += 2 * Nchwc.Block, xp += 2)
                    {
                        {
                            var w0 = Avx.LoadVector256(wp);
                            var w1 = Avx.LoadVector256(wp + 8);
                            var b = Avx.BroadcastScalarToVector256(xp);
                            c00 = Fma.MultiplyAdd(b, w0, c00);
                            c01 = Fma.MultiplyAdd(b, w1, c01);
                            if (TP.N > 1)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + ps);
                                c10 = Fma.MultiplyAdd(b, w0, c10);
                                c11 = Fma.MultiplyAdd(b, w1, c11);
                            }
                            if (TP.N > 2)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 2 * ps);
                                c20 = Fma.MultiplyAdd(b, w0, c20);
                                c21 = Fma.MultiplyAdd(b, w1, c21);
                            }
                            if (TP.N > 3)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 3 * ps);
                                c30 = Fma.MultiplyAdd(b, w0, c30);
                                c31 = Fma.MultiplyAdd(b, w1, c31);
                            }
                            if (TP.N > 4)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 4 * ps);
                                c40 = Fma.MultiplyAdd(b, w0, c40);
                                c41 = Fma.MultiplyAdd(b, w1, c41);
                            }
                            if (TP.N > 5)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 5 * ps);
                                c50 = Fma.MultiplyAdd(b, w0, c50);
                                c51 = Fma.MultiplyAdd(b, w1, c51);
                            }
                        }
                        {
                            var w0 = Avx.LoadVector256(wp + Nchwc.Block);
                            var w1 = Avx.LoadVector256(wp + Nchwc.Block + 8);
                            var b = Avx.BroadcastScalarToVector256(xp + 1);
                            c00 = Fma.MultiplyAdd(b, w0, c00);
                            c01 = Fma.MultiplyAdd(b, w1, c01);
                            if (TP.N > 1)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + ps);
                                c10 = Fma.MultiplyAdd(b, w0, c10);
                                c11 = Fma.MultiplyAdd(b, w1, c11);
                            }
                            if (TP.N > 2)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + 2 * ps);
                                c20 = Fma.MultiplyAdd(b, w0, c20);
                                c21 = Fma.MultiplyAdd(b, w1, c21);
                            }
                            if (TP.N > 3)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + 3 * ps);
                                c30 = Fma.MultiplyAdd(b, w0, c30);
                                c31 = Fma.MultiplyAdd(b, w1, c31);
                            }
                            if (TP.N > 4)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + 4 * ps);
                                c40 = Fma.MultiplyAdd(b, w0, c40);
                                c41 = Fma.MultiplyAdd(b, w1, c41);
                            }
                            if (TP.N > 5)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + 5 * ps);
                                c50 = Fma.MultiplyAdd(b, w0, c50);
                                c51 = Fma.MultiplyAdd(b, w1, c51);
                            }
                        }
                    }
                    if (wp < wEnd)
                    {
                        var w0 = Avx.LoadVector256(wp);
                        var w1 = Avx.LoadVector256(wp + 8);
                        var b = Avx.BroadcastScalarToVector256(xp);
                        c00 = Fma.MultiplyAdd(b, w0, c00);
                        c01 = Fma.MultiplyAdd(b, w1, c01);
                        if (TP.N > 1)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + ps);
                            c10 = Fma.MultiplyAdd(b, w0, c10);
                            c11 = Fma.MultiplyAdd(b, w1, c11);
                        }
                        if (TP.N > 2)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + 2 * ps);
                            c20 = Fma.MultiplyAdd(b, w0, c20);
                            c21 = Fma.MultiplyAdd(b, w1, c21);
                        }
                        if (TP.N > 3)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + 3 * ps);
                            c30 = Fma.MultiplyAdd(b, w0, c30);
                            c31 = Fma.MultiplyAdd(b, w1, c31);
                        }
                        if (TP.N > 4)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + 4 * ps);
                            c40 = Fma.MultiplyAdd(b, w0, c40);
                            c41 = Fma.MultiplyAdd(b, w1, c41);
                        }
                        if (TP.N > 5)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + 5 * ps);
                            c50 = Fma.MultiplyAdd(b, w0, c50);
                            c51 = Fma.MultiplyAdd(b, w1, c51);
                        }
                    }
                }
            }
        }
        bool relu = (mode & Last) != 0 && a.Act == Activation.Relu;
        Store(y, 0, c00, c01, relu);
        if (TP.N > 1) Store(y, 1, c10, c11, relu);
        if (TP.N > 2) Store(y, 2, c20, c21, relu);
        if (TP.N > 3) Store(y, 3, c30, c31, relu);
        if (TP.N > 4) Store(y, 4, c40, c41, relu);
        if (TP.N > 5) Store(y, 5, c50, c51, relu);
        if ((mode & Last) != 0 && a.Act is not (Activation.None or Activation.Relu))
        {
            EpilogueOps.Activate(y, TP.N * Nchwc.Block, a.Act, a.Alpha, a.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Init(float* y, float* r, int o, Vector256<float> b, bool first) =>
        !first ? Avx.LoadVector256(y + o) : r is null ? b : Avx.Add(b, Avx.LoadVector256(r + o));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, int p, Vector256<float> lo, Vector256<float> hi, bool relu)
    {
        int o = p * Nchwc.Block;
        if (relu)
        {
            lo = Avx.Max(lo, Vector256<float>.Zero);
            hi = Avx.Max(hi, Vector256<float>.Zero);
        }
        Avx.Store(y + o, lo);
        Avx.Store(y + o + 8, hi);
    }

    private static void Scalar(int count, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int mode)
    {
        float* acc = stackalloc float[NchwcConv.TilePixels * Nchwc.Block];
        for (int i = 0; i < count * Nchwc.Block; i++)
        {
            acc[i] = (mode & First) != 0 ? bias[i % Nchwc.Block] + (r is null ? 0 : r[i]) : y[i];
        }
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            for (int kh = 0; kh < a.KH; kh++)
            {
                for (int kw = 0; kw < a.KW; kw++)
                {
                    float* xp = x + cb * a.CbStrideX + kh * a.RowStrideX + a.KwOffset(kw);
                    float* wp = w + (long)cb * a.WBlockStride + (kh * a.KW + kw) * a.WTapStride;
                    for (int ic = 0; ic < a.IcCount; ic++, wp += Nchwc.Block, xp++)
                    {
                        for (int p = 0; p < count; p++)
                        {
                            float v = xp[p * a.PixStrideX];
                            float* ap = acc + p * Nchwc.Block;
                            for (int l = 0; l < Nchwc.Block; l++)
                            {
                                ap[l] += v * wp[l];
                            }
                        }
                    }
                }
            }
        }
        bool last = (mode & Last) != 0;
        for (int i = 0; i < count * Nchwc.Block; i++)
        {
            y[i] = last ? EpilogueOps.Scalar(acc[i], a.Act, a.Alpha, a.Beta) : acc[i];
        }
    }
}
