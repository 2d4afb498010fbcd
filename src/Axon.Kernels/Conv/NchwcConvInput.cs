using System.Runtime.Intrinsics;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// The input as the NCHWc convolution's tiles read it: every output pixel's window lies inside it, so no tile ever
/// clips its taps. A padded blocked input is copied into a zero-bordered buffer; a strided 1×1 input is subsampled
/// (then the convolution is a flat 1×1 over the output plane, and no cache line is fetched for a skipped pixel); a plain
/// NCHW input (the stem: a few channels) is interleaved into a zero-bordered NHWC buffer, so one tap row's
/// (kernel column, channel) pairs are contiguous and the reduction runs KW·C steps without a loop per tap.
/// </summary>
internal static unsafe class NchwcConvInput
{
    /// <summary>What the tiles read: the prepared buffer and its geometry (pads folded in, strides as they remain).</summary>
    internal readonly struct Prepared(float* x, int h, int w, int strideH, int strideW, bool flat, int oddColumn = 0)
    {
        public readonly float* X = x;
        public readonly int H = h, W = w, StrideH = strideH, StrideW = strideW;
        public readonly bool Flat = flat;

        /// <summary>
        /// Width split in phases (stride 2): each row holds its even columns, then from pixel <see cref="OddColumn"/> its
        /// odd ones, so an output row's pixels read adjacent input pixels for every tap (0: not split).
        /// </summary>
        public readonly int OddColumn = oddColumn;
    }

    /// <summary>
    /// A stride-2 window over several columns reads its rows in two phases: with the columns split even | odd, tap kw
    /// of output pixel j is pixel j + kw/2 of the kw%2 phase, so a 6-pixel tile reads 7 adjacent pixels of one phase
    /// and 6 of the other (13 lines, all used) instead of 13 lines at stride 2 that also bring every skipped pixel.
    /// </summary>
    internal static bool SplitsWidth(ConvGeometry g, bool plainInput) =>
        !plainInput && g.StrideW == 2 && g.KernelW > 1 && g.DilationW == 1 && SplitWidth;

    /// <summary>Split stride-2 inputs by column phase (tunable for benchmarks).</summary>
    internal static bool SplitWidth = true;

    public static Prepared Prepare(float* x, NchwcConvWeights w, WorkerPool pool)
    {
        var g = w.Geometry;
        bool padded = (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0;
        int hp = g.H + g.PadTop + g.PadBottom, wp = g.W + g.PadLeft + g.PadRight;
        if (w.PlainInput)
        {
            float* dst = ThreadScratch.Floats(ThreadScratch.NchwcPadded, (long)g.N * hp * wp * g.C);
            pool.For(g.N * hp, new InterleaveBody { X = x, Y = dst, G = g, Hp = hp, Wp = wp });
            return new Prepared(dst, hp, wp, g.StrideH, g.StrideW, false);
        }
        if (SplitsWidth(g, false))
        {
            float* dst = ThreadScratch.Floats(ThreadScratch.NchwcPadded, Nchwc.Elements(g.N, g.C, hp, wp));
            pool.For(g.N * w.InputBlocks * hp, new PadBody { X = x, Y = dst, G = g, Hp = hp, Wp = wp, Odd = (wp + 1) / 2 });
            return new Prepared(dst, hp, wp, g.StrideH, 1, false, (wp + 1) / 2);
        }
        bool oneByOne = g.KernelH == 1 && g.KernelW == 1;
        if (oneByOne && !padded)
        {
            if (g.StrideH == 1 && g.StrideW == 1)
            {
                return new Prepared(x, g.H, g.W, 1, 1, true);
            }
            int oh = g.OutH, ow = g.OutW, blocks = w.InputBlocks;
            float* sub = ThreadScratch.Floats(ThreadScratch.NchwcPadded, Nchwc.Elements(g.N, g.C, oh, ow));
            pool.For(g.N * blocks * oh, new SubsampleBody { X = x, Y = sub, G = g, OH = oh, OW = ow });
            return new Prepared(sub, oh, ow, 1, 1, true);
        }
        if (padded)
        {
            float* dst = ThreadScratch.Floats(ThreadScratch.NchwcPadded, Nchwc.Elements(g.N, g.C, hp, wp));
            pool.For(g.N * w.InputBlocks * hp, new PadBody { X = x, Y = dst, G = g, Hp = hp, Wp = wp });
            return new Prepared(dst, hp, wp, g.StrideH, g.StrideW, false);
        }
        return new Prepared(x, g.H, g.W, g.StrideH, g.StrideW, false);
    }

    /// <summary>
    /// One padded row of one blocked plane: zeros above, below and beside the copied input row; with <see cref="Odd"/>
    /// set, the row's even columns first and its odd ones from pixel <see cref="Odd"/>.
    /// </summary>
    private struct PadBody : IParallelBody
    {
        public float* X, Y;
        public ConvGeometry G;
        public int Hp, Wp, Odd;

        public readonly void Invoke(int index)
        {
            int row = index % Hp, plane = index / Hp;
            float* dst = Y + ((long)plane * Hp + row) * Wp * Nchwc.Block;
            int ih = row - G.PadTop;
            if (ih < 0 || ih >= G.H)
            {
                new Span<float>(dst, Wp * Nchwc.Block).Clear();
                return;
            }
            if (Odd > 0)
            {
                float* src = X + ((long)plane * G.H + ih) * G.W * Nchwc.Block;
                for (int j = 0; j < Wp; j++)
                {
                    float* d = dst + (long)((j & 1) == 0 ? j >> 1 : Odd + (j >> 1)) * Nchwc.Block;
                    int iw = j - G.PadLeft;
                    if (iw < 0 || iw >= G.W)
                    {
                        Vector256.Store(Vector256<float>.Zero, d);
                        Vector256.Store(Vector256<float>.Zero, d + 8);
                    }
                    else
                    {
                        Vector256.Store(Vector256.Load(src + iw * Nchwc.Block), d);
                        Vector256.Store(Vector256.Load(src + iw * Nchwc.Block + 8), d + 8);
                    }
                }
                return;
            }
            new Span<float>(dst, G.PadLeft * Nchwc.Block).Clear();
            new ReadOnlySpan<float>(X + ((long)plane * G.H + ih) * G.W * Nchwc.Block, G.W * Nchwc.Block)
                .CopyTo(new Span<float>(dst + G.PadLeft * Nchwc.Block, G.W * Nchwc.Block));
            new Span<float>(dst + (G.PadLeft + G.W) * Nchwc.Block, G.PadRight * Nchwc.Block).Clear();
        }
    }

    /// <summary>One output row of one blocked plane of a strided 1×1 convolution's input: every stride-th pixel.</summary>
    private struct SubsampleBody : IParallelBody
    {
        public float* X, Y;
        public ConvGeometry G;
        public int OH, OW;

        public readonly void Invoke(int index)
        {
            int row = index % OH, plane = index / OH;
            float* src = X + ((long)plane * G.H + (long)row * G.StrideH) * G.W * Nchwc.Block;
            float* dst = Y + ((long)plane * OH + row) * OW * Nchwc.Block;
            long step = (long)G.StrideW * Nchwc.Block;
            for (int j = 0; j < OW; j++, src += step, dst += Nchwc.Block)
            {
                Vector256.Store(Vector256.Load(src), dst);
                Vector256.Store(Vector256.Load(src + 8), dst + 8);
            }
        }
    }

    /// <summary>One padded row of one image, NCHW to NHWC: [hp][wp][C], zeros in the border.</summary>
    private struct InterleaveBody : IParallelBody
    {
        public float* X, Y;
        public ConvGeometry G;
        public int Hp, Wp;

        public readonly void Invoke(int index)
        {
            int row = index % Hp, n = index / Hp, c = G.C;
            float* dst = Y + (long)index * Wp * c;
            int ih = row - G.PadTop;
            if (ih < 0 || ih >= G.H)
            {
                new Span<float>(dst, Wp * c).Clear();
                return;
            }
            new Span<float>(dst, G.PadLeft * c).Clear();
            new Span<float>(dst + (G.PadLeft + G.W) * c, G.PadRight * c).Clear();
            float* d = dst + G.PadLeft * c;
            long plane = (long)G.H * G.W;
            float* src = X + (long)n * c * plane + (long)ih * G.W;
            for (int ch = 0; ch < c; ch++, src += plane)
            {
                for (int j = 0; j < G.W; j++)
                {
                    d[j * c + ch] = src[j];
                }
            }
        }
    }
}
