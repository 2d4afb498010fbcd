using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Gemm;

namespace Axon.Kernels.Conv;

/// <summary>
/// Gathered tiles for small planes: the output plane is walked as one flat run of pixels, and a tile of up to 6 pixels
/// may cross an output row, so each pixel's input comes from its own offset (held in a register) rather than a fixed
/// stride. A 7-wide row otherwise splits into 4 + 3 pixels, and the 3-pixel tile's 6 accumulators cannot hide the FMA
/// latency; a 7×7 plane in gathered tiles is 4 × 6 + 5 × 5 pixels. The FMA body is the strided kernel's.
/// </summary>
internal static unsafe partial class NchwcConvTile
{
    /// <summary>
    /// Output pixels [<paramref name="p0"/>, <paramref name="p0"/> + <paramref name="pixels"/>) of one plane of width
    /// <paramref name="ow"/>, for one output block; <paramref name="x"/> is the plane's input origin (pixel 0's window),
    /// <paramref name="y"/> and <paramref name="r"/> pixel <paramref name="p0"/>'s output and residual.
    /// </summary>
    public static void Gather(int pixels, int p0, int ow, float* x, long rowStride, long pixStride, float* w, float* y, float* r,
        float* bias, in TileArgs a, int mode, byte* pf, int prefetchLines)
    {
        int tiles = (pixels + NchwcConv.TilePixels - 1) / NchwcConv.TilePixels;
        int q = pixels / tiles, big = pixels % tiles;
        int perTile = (prefetchLines + tiles - 1) / tiles;
        var at = new GatherAt { Row = p0 / ow, Col = p0 % ow, Width = ow, RowStride = rowStride, PixStride = pixStride };
        if (!NchwcConv.Avx2)
        {
            for (int i = 0; i < pixels; i++, at.Step())
            {
                Scalar(1, x + at.Offset, w, y + i * Nchwc.Block, r is null ? null : r + i * Nchwc.Block, bias, a, mode);
            }
            return;
        }
        if (big > 0)
        {
            GatherDispatch(q + 1, big, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile);
        }
        GatherDispatch(q, tiles - big, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile);
    }

    /// <summary>The walk's position: output row and column of the next pixel, and the plane's input strides.</summary>
    private struct GatherAt
    {
        public int Row, Col, Width;
        public long RowStride, PixStride;

        public readonly long Offset => Row * RowStride + Col * PixStride;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step()
        {
            if (++Col == Width)
            {
                Col = 0;
                Row++;
            }
        }
    }

    private static void GatherDispatch(int count, int tiles, float* x, ref GatherAt at, float* w, ref float* y, ref float* r, float* bias,
        in TileArgs a, int mode, ref byte* pf, int perTile)
    {
        switch (count)
        {
            case 6: GatherTiles<P6>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
            case 5: GatherTiles<P5>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
            case 4: GatherTiles<P4>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
            case 3: GatherTiles<P3>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
            case 2: GatherTiles<P2>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
            default: GatherTiles<P1>(tiles, x, ref at, w, ref y, ref r, bias, a, mode, ref pf, perTile); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GatherTiles<TP>(int tiles, float* x, ref GatherAt at, float* w, ref float* y, ref float* r, float* bias,
        in TileArgs a, int mode, ref byte* pf, int perTile) where TP : struct, IPixels
    {
        var pos = at;
        for (int t = 0; t < tiles; t++)
        {
            // Offsets of the tile's pixels from its first one's input (stepping along rows: no division per tile).
            long o0 = pos.Offset, o1 = 0, o2 = 0, o3 = 0, o4 = 0, o5 = 0;
            pos.Step();
            if (TP.N > 1) { o1 = pos.Offset - o0; pos.Step(); }
            if (TP.N > 2) { o2 = pos.Offset - o0; pos.Step(); }
            if (TP.N > 3) { o3 = pos.Offset - o0; pos.Step(); }
            if (TP.N > 4) { o4 = pos.Offset - o0; pos.Step(); }
            if (TP.N > 5) { o5 = pos.Offset - o0; pos.Step(); }
            GatherOnce<TP>(x + o0, o1, o2, o3, o4, o5, w, y, r, bias, a, mode);
            if ((mode & PrefetchInput) != 0)
            {
                PrefetchGathered(x, pos, TP.N, a);
            }
            if (pf is not null)
            {
                for (int i = 0; i < perTile; i++, pf += 64)
                {
                    Sse.Prefetch0(pf);
                }
            }
            y += TP.N * Nchwc.Block;
            r = r is null ? null : r + TP.N * Nchwc.Block;
        }
        at = pos;
    }

    /// <summary>The next tile's input lines: its pixels in at most a few output rows, each row's run as one span.</summary>
    private static void PrefetchGathered(float* x, GatherAt pos, int count, in TileArgs a)
    {
        bool split = a.KwOddX != a.KwStrideX;
        long taps = (split ? ((a.KW - 1) >> 1) * a.KwPairX : (a.KW - 1) * a.KwStrideX) + a.IcCount;
        while (count > 0)
        {
            int run = Math.Min(count, pos.Width - pos.Col);
            PrefetchTile(x + pos.Offset, (run - 1) * pos.PixStride + taps, a);
            pos.Col = 0;
            pos.Row++;
            count -= run;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GatherOnce<TP>(float* x, long o1, long o2, long o3, long o4, long o5, float* w, float* y, float* r, float* bias,
        in TileArgs a, int mode) where TP : struct, IPixels
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
        int icCount = a.IcCount;
        for (int cb = 0; cb < a.CbCount; cb++)
        {
            float* xc = x + cb * a.CbStrideX;
            float* wc = w + (long)cb * a.WBlockStride;
            for (int kh = 0; kh < a.KH; kh++)
            {
                for (int kw = 0; kw < a.KW; kw++)
                {
                    float* xp = xc + kh * a.RowStrideX + a.KwOffset(kw);
                    float* wp = wc + (kh * a.KW + kw) * a.WTapStride;
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
                                b = Avx.BroadcastScalarToVector256(xp + o1);
                                c10 = Fma.MultiplyAdd(b, w0, c10);
                                c11 = Fma.MultiplyAdd(b, w1, c11);
                            }
                            if (TP.N > 2)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + o2);
                                c20 = Fma.MultiplyAdd(b, w0, c20);
                                c21 = Fma.MultiplyAdd(b, w1, c21);
                            }
                            if (TP.N > 3)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + o3);
                                c30 = Fma.MultiplyAdd(b, w0, c30);
                                c31 = Fma.MultiplyAdd(b, w1, c31);
                            }
                            if (TP.N > 4)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + o4);
                                c40 = Fma.MultiplyAdd(b, w0, c40);
                                c41 = Fma.MultiplyAdd(b, w1, c41);
                            }
                            if (TP.N > 5)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + o5);
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
                                b = Avx.BroadcastScalarToVector256(xp + 1 + o1);
                                c10 = Fma.MultiplyAdd(b, w0, c10);
                                c11 = Fma.MultiplyAdd(b, w1, c11);
                            }
                            if (TP.N > 2)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + o2);
                                c20 = Fma.MultiplyAdd(b, w0, c20);
                                c21 = Fma.MultiplyAdd(b, w1, c21);
                            }
                            if (TP.N > 3)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + o3);
                                c30 = Fma.MultiplyAdd(b, w0, c30);
                                c31 = Fma.MultiplyAdd(b, w1, c31);
                            }
                            if (TP.N > 4)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + o4);
                                c40 = Fma.MultiplyAdd(b, w0, c40);
                                c41 = Fma.MultiplyAdd(b, w1, c41);
                            }
                            if (TP.N > 5)
                            {
                                b = Avx.BroadcastScalarToVector256(xp + 1 + o5);
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
                            b = Avx.BroadcastScalarToVector256(xp + o1);
                            c10 = Fma.MultiplyAdd(b, w0, c10);
                            c11 = Fma.MultiplyAdd(b, w1, c11);
                        }
                        if (TP.N > 2)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + o2);
                            c20 = Fma.MultiplyAdd(b, w0, c20);
                            c21 = Fma.MultiplyAdd(b, w1, c21);
                        }
                        if (TP.N > 3)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + o3);
                            c30 = Fma.MultiplyAdd(b, w0, c30);
                            c31 = Fma.MultiplyAdd(b, w1, c31);
                        }
                        if (TP.N > 4)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + o4);
                            c40 = Fma.MultiplyAdd(b, w0, c40);
                            c41 = Fma.MultiplyAdd(b, w1, c41);
                        }
                        if (TP.N > 5)
                        {
                            b = Avx.BroadcastScalarToVector256(xp + o5);
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

}
