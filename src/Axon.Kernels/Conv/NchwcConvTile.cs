using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Conv;

/// <summary>
/// The NCHWc convolution micro-kernel: <c>count</c> (1..6) output pixels × 16 output channels. AVX2: two vectors per
/// pixel, 12 accumulators at 6 pixels; per input channel and tap two weight loads and one broadcast per pixel feed two
/// FMAs. The pixel count is a type parameter so each count compiles to its own straight-line kernel. Scalar fallback
/// for machines (or test tiers) without AVX2.
/// </summary>
internal static unsafe class NchwcConvTile
{
    public static void Run(int count, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int kwLo, int kwHi)
    {
        if (!NchwcConv.Avx2)
        {
            Scalar(count, x, w, y, r, bias, a, kwLo, kwHi);
            return;
        }
        // The pixel stride as a constant turns the six broadcasts into fixed displacements (no address arithmetic).
        switch (a.PixStrideX)
        {
            case Nchwc.Block: Dispatch<S16>(count, x, w, y, r, bias, a, kwLo, kwHi); break;
            case 2 * Nchwc.Block: Dispatch<S32>(count, x, w, y, r, bias, a, kwLo, kwHi); break;
            default: Dispatch<SAny>(count, x, w, y, r, bias, a, kwLo, kwHi); break;
        }
    }

    private static void Dispatch<TS>(int count, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int kwLo, int kwHi)
        where TS : struct, IStride
    {
        switch (count)
        {
            case 6: Tile<P6, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
            case 5: Tile<P5, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
            case 4: Tile<P4, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
            case 3: Tile<P3, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
            case 2: Tile<P2, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
            default: Tile<P1, TS>(x, w, y, r, bias, a, kwLo, kwHi); break;
        }
    }

    private interface IStride
    {
        /// <summary>Floats between neighbouring pixels' inputs, or 0 for "read it from the arguments".</summary>
        static abstract int PS { get; }
    }

    private readonly struct S16 : IStride { public static int PS => Nchwc.Block; }
    private readonly struct S32 : IStride { public static int PS => 2 * Nchwc.Block; }
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
    private static void Tile<TP, TS>(float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int kwLo, int kwHi)
        where TP : struct, IPixels where TS : struct, IStride
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        long ps = TS.PS > 0 ? TS.PS : a.PixStrideX;
        long icStride = a.IcStrideX;
        int icCount = a.IcCount;
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            float* xc = x + cb * a.CbStrideX;
            float* wc = w + (long)cb * a.WBlockStride;
            for (int kh = a.KhLo; kh < a.KhHi; kh++)
            {
                for (int kw = kwLo; kw < kwHi; kw++)
                {
                    float* xp = xc + kh * a.RowStrideX + kw * a.KwStrideX;
                    float* wp = wc + (kh * a.KW + kw) * a.WTapStride;
                    float* wEnd = wp + icCount * Nchwc.Block;
                    float* wPairs = wp + (icCount & ~1) * Nchwc.Block;
                    // Two input channels per iteration: the loop's pointer updates and branch are paid half as often.
                    for (; wp < wPairs; wp += 2 * Nchwc.Block, xp += 2 * icStride)
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
                            float* xq = xp + icStride;
                            var w0 = Avx.LoadVector256(wp + Nchwc.Block);
                            var w1 = Avx.LoadVector256(wp + Nchwc.Block + 8);
                            var b = Avx.BroadcastScalarToVector256(xq);
                            c00 = Fma.MultiplyAdd(b, w0, c00);
                            c01 = Fma.MultiplyAdd(b, w1, c01);
                            if (TP.N > 1)
                            {
                                b = Avx.BroadcastScalarToVector256(xq + ps);
                                c10 = Fma.MultiplyAdd(b, w0, c10);
                                c11 = Fma.MultiplyAdd(b, w1, c11);
                            }
                            if (TP.N > 2)
                            {
                                b = Avx.BroadcastScalarToVector256(xq + 2 * ps);
                                c20 = Fma.MultiplyAdd(b, w0, c20);
                                c21 = Fma.MultiplyAdd(b, w1, c21);
                            }
                            if (TP.N > 3)
                            {
                                b = Avx.BroadcastScalarToVector256(xq + 3 * ps);
                                c30 = Fma.MultiplyAdd(b, w0, c30);
                                c31 = Fma.MultiplyAdd(b, w1, c31);
                            }
                            if (TP.N > 4)
                            {
                                b = Avx.BroadcastScalarToVector256(xq + 4 * ps);
                                c40 = Fma.MultiplyAdd(b, w0, c40);
                                c41 = Fma.MultiplyAdd(b, w1, c41);
                            }
                            if (TP.N > 5)
                            {
                                b = Avx.BroadcastScalarToVector256(xq + 5 * ps);
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
        var b0 = Avx.LoadVector256(bias);
        var b1 = Avx.LoadVector256(bias + 8);
        bool relu = a.Act == Activation.Relu;
        Store(y, r, 0, c00, c01, b0, b1, relu);
        if (TP.N > 1) Store(y, r, 1, c10, c11, b0, b1, relu);
        if (TP.N > 2) Store(y, r, 2, c20, c21, b0, b1, relu);
        if (TP.N > 3) Store(y, r, 3, c30, c31, b0, b1, relu);
        if (TP.N > 4) Store(y, r, 4, c40, c41, b0, b1, relu);
        if (TP.N > 5) Store(y, r, 5, c50, c51, b0, b1, relu);
        if (!relu && a.Act != Activation.None)
        {
            EpilogueOps.Activate(y, TP.N * Nchwc.Block, a.Act, a.Alpha, a.Beta);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* y, float* r, int p, Vector256<float> lo, Vector256<float> hi, Vector256<float> b0,
        Vector256<float> b1, bool relu)
    {
        lo = Avx.Add(lo, b0);
        hi = Avx.Add(hi, b1);
        int o = p * Nchwc.Block;
        if (r is not null)
        {
            lo = Avx.Add(lo, Avx.LoadVector256(r + o));
            hi = Avx.Add(hi, Avx.LoadVector256(r + o + 8));
        }
        if (relu)
        {
            lo = Avx.Max(lo, Vector256<float>.Zero);
            hi = Avx.Max(hi, Vector256<float>.Zero);
        }
        Avx.Store(y + o, lo);
        Avx.Store(y + o + 8, hi);
    }

    private static void Scalar(int count, float* x, float* w, float* y, float* r, float* bias, in TileArgs a, int kwLo, int kwHi)
    {
        float* acc = stackalloc float[NchwcConv.TilePixels * Nchwc.Block];
        for (int i = 0; i < count * Nchwc.Block; i++)
        {
            acc[i] = 0;
        }
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            for (int kh = a.KhLo; kh < a.KhHi; kh++)
            {
                for (int kw = kwLo; kw < kwHi; kw++)
                {
                    float* xp = x + cb * a.CbStrideX + kh * a.RowStrideX + kw * a.KwStrideX;
                    float* wp = w + (long)cb * a.WBlockStride + (kh * a.KW + kw) * a.WTapStride;
                    for (int ic = 0; ic < a.IcCount; ic++, wp += Nchwc.Block, xp += a.IcStrideX)
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
        for (int i = 0; i < count * Nchwc.Block; i++)
        {
            float v = acc[i] + bias[i % Nchwc.Block] + (r is null ? 0 : r[i]);
            y[i] = EpilogueOps.Scalar(v, a.Act, a.Alpha, a.Beta);
        }
    }
}
