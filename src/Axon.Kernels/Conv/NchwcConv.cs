using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Direct convolution in the blocked layout (<see cref="Nchwc"/>): y [N, K/16, OH, OW, 16] = act(conv(x, w) + bias +
/// residual), x blocked [N, C/16, H, W, 16] or plain NCHW (the stem). No im2col and no partial sums in memory: a tile
/// of up to 6 output pixels × 16 output channels stays in 12 accumulators for the whole C·KH·KW reduction, then the
/// epilogue runs on the registers. Pixels whose window leaves the input (the padding columns) run one at a time with
/// their own tap range; rows clip their kernel rows. Work items are (image, group of output blocks, output row,
/// row segment); inside an item each pixel tile is reused for every output block of the group while it is in L1.
/// 1×1 stride-1 unpadded convolutions see the whole plane as one long row.
/// </summary>
public static unsafe class NchwcConv
{
    /// <summary>The tier the micro-kernel runs at (AVX2+FMA or scalar).</summary>
    public static KernelTier Tier => CpuFeatures.Avx2Fma ? KernelTier.Avx2 : KernelTier.Scalar;

    internal const int TilePixels = 6;

    internal static readonly bool Avx2 = CpuFeatures.Avx2Fma;

    /// <summary>
    /// Runs the convolution. <paramref name="residual"/> (may be null) has the output's blocked shape and may be
    /// <paramref name="y"/> itself (each element is read once, just before it is written); <paramref name="y"/> must not
    /// alias <paramref name="x"/>.
    /// </summary>
    public static void Run(float* x, NchwcConvWeights w, float* y, float* residual = null, Activation act = Activation.None,
        float alpha = 0, float beta = 0, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        if (g.N == 0)
        {
            return;
        }
        pool ??= WorkerPool.Default;
        // A padded blocked input is copied once into a zero-bordered buffer (the caller's scratch): then every output
        // pixel is an interior one and rows run in whole tiles, where the border pixels would run one at a time.
        if (!w.PlainInput && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0)
        {
            var pg = g with { H = g.H + g.PadTop + g.PadBottom, W = g.W + g.PadLeft + g.PadRight, PadTop = 0, PadLeft = 0, PadBottom = 0, PadRight = 0 };
            float* padded = ThreadScratch.Floats(ThreadScratch.NchwcPadded, Nchwc.Elements(pg.N, pg.C, pg.H, pg.W));
            pool.For(g.N * w.InputBlocks * pg.H, new PadBody { X = x, Y = padded, G = g, Hp = pg.H, Wp = pg.W, Blocks = w.InputBlocks });
            x = padded;
            g = pg;
        }
        var p = Plan(g, w, pool.Threads);
        p.X = x;
        p.Y = y;
        p.Residual = residual;
        p.Act = act;
        p.Alpha = alpha;
        p.Beta = beta;
        pool.For(p.Items, p);
    }

    private struct PadBody : IParallelBody
    {
        public float* X, Y;
        public ConvGeometry G;
        public int Hp, Wp, Blocks;

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
            new Span<float>(dst, G.PadLeft * Nchwc.Block).Clear();
            new ReadOnlySpan<float>(X + ((long)plane * G.H + ih) * G.W * Nchwc.Block, G.W * Nchwc.Block)
                .CopyTo(new Span<float>(dst + G.PadLeft * Nchwc.Block, G.W * Nchwc.Block));
            new Span<float>(dst + (G.PadLeft + G.W) * Nchwc.Block, G.PadRight * Nchwc.Block).Clear();
        }
    }

    /// <summary>Span overload with length checks (tests and benchmarks).</summary>
    public static void Run(ReadOnlySpan<float> x, NchwcConvWeights w, Span<float> y, ReadOnlySpan<float> residual = default,
        Activation act = Activation.None, float alpha = 0, float beta = 0, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        long xNeed = w.PlainInput ? g.InputElements : Nchwc.Elements(g.N, g.C, g.H, g.W);
        long yNeed = Nchwc.Elements(g.N, g.K, g.OutH, g.OutW);
        if (x.Length < xNeed || y.Length < yNeed || (!residual.IsEmpty && residual.Length < yNeed))
        {
            throw new ArgumentException($"NCHWc convolution needs {xNeed} inputs and {yNeed} outputs, got {x.Length} and {y.Length}");
        }
        fixed (float* px = x, py = y, pr = residual)
        {
            Run(px, w, py, residual.IsEmpty ? null : pr, act, alpha, beta, pool);
        }
    }

    private static Work Plan(ConvGeometry g, NchwcConvWeights w, int threads)
    {
        bool flat = g.KernelH == 1 && g.KernelW == 1 && g.IsPointwise;
        int h = flat ? 1 : g.H, wd = flat ? g.H * g.W : g.W;
        int oh = flat ? 1 : g.OutH, ow = flat ? g.OutH * g.OutW : g.OutW;
        int outBlocks = w.OutputBlocks;
        // A group of output blocks whose weights fit in half of L2 shares each input tile while it is in L1.
        long blockBytes = (long)w.BlockStride * sizeof(float);
        int group = (int)Math.Clamp(CpuFeatures.L2Bytes / 2 / Math.Max(1, blockBytes), 1, outBlocks);
        int groups = (outBlocks + group - 1) / group;
        // Enough items to balance the threads: split groups first (keeps rows whole), then rows into segments.
        long target = threads == 1 ? 1 : 8L * threads;
        while (groups * (long)g.N * oh < target && group > 1)
        {
            group = (group + 1) / 2;
            groups = (outBlocks + group - 1) / group;
        }
        long rows = (long)groups * g.N * oh;
        int segs = 1;
        if (rows < target)
        {
            segs = (int)Math.Min((ow + TilePixels - 1) / TilePixels, (target + rows - 1) / rows);
        }
        int segLen = (ow + segs - 1) / segs;
        segLen = (segLen + TilePixels - 1) / TilePixels * TilePixels;
        segs = (ow + segLen - 1) / segLen;
        int epp = w.PlainInput ? 1 : Nchwc.Block;
        return new Work
        {
            W = w, G = g, H = h, Wd = wd, OH = oh, OW = ow, Flat = flat, Group = group, Groups = groups, Segs = segs, SegLen = segLen,
            Items = (int)(rows * segs),
            Args = new TileArgs
            {
                CbCount = w.InputBlocks,
                IcCount = w.LanesPerInputBlock,
                CbStrideX = (long)h * wd * Nchwc.Block,
                IcStrideX = w.PlainInput ? (long)h * wd : 1,
                RowStrideX = (long)(flat ? 1 : g.DilationH) * wd * epp,
                KwStrideX = (long)(flat ? 1 : g.DilationW) * epp,
                PixStrideX = (long)(flat ? 1 : g.StrideW) * epp,
                KW = flat ? 1 : g.KernelW,
                WTapStride = w.LanesPerInputBlock * Nchwc.Block,
                WBlockStride = (flat ? 1 : g.KernelH * g.KernelW) * w.LanesPerInputBlock * Nchwc.Block,
            },
        };
    }

    private struct Work : IParallelBody
    {
        public NchwcConvWeights W;
        public ConvGeometry G;
        public float* X, Y, Residual;
        public Activation Act;
        public float Alpha, Beta;
        public int H, Wd, OH, OW, Group, Groups, Segs, SegLen, Items;
        public bool Flat;
        public TileArgs Args;

        public readonly void Invoke(int index)
        {
            var g = G;
            int seg = index % Segs;
            int rest = index / Segs;
            int oh = rest % OH;
            rest /= OH;
            int grp = rest % Groups;
            int n = rest / Groups;
            int ob0 = grp * Group, ob1 = Math.Min(W.OutputBlocks, ob0 + Group);
            int sH = Flat ? 1 : g.StrideH, sW = Flat ? 1 : g.StrideW, dH = Flat ? 1 : g.DilationH, dW = Flat ? 1 : g.DilationW;
            int kh = Flat ? 1 : g.KernelH, kw = Flat ? 1 : g.KernelW;
            int pT = Flat ? 0 : g.PadTop, pL = Flat ? 0 : g.PadLeft;
            int epp = W.PlainInput ? 1 : Nchwc.Block;
            var a = Args;
            a.Act = Act;
            a.Alpha = Alpha;
            a.Beta = Beta;
            int ih0 = oh * sH - pT;
            (a.KhLo, a.KhHi) = TapRange(ih0, H, kh, dH);
            long imageX = W.PlainInput ? (long)n * g.C * H * Wd : (long)n * W.InputBlocks * H * Wd * Nchwc.Block;
            long imageY = (long)n * W.OutputBlocks * OH * OW * Nchwc.Block;
            long planeY = (long)OH * OW * Nchwc.Block;
            // Columns whose whole window is inside the input run in tiles; the rest one by one with a clipped tap range.
            int owA = Math.Min(OW, (pL + sW - 1) / sW);
            int lastFull = Wd - 1 + pL - (kw - 1) * dW;
            int owB = lastFull < 0 ? owA : Math.Clamp(lastFull / sW + 1, owA, OW);
            int s0 = seg * SegLen, s1 = Math.Min(OW, s0 + SegLen);
            for (int ow = s0; ow < s1;)
            {
                int iw0 = ow * sW - pL;
                float* xp = X + imageX + ((long)ih0 * Wd + iw0) * epp;
                int count, kwLo, kwHi;
                if (ow < owA || ow >= owB)
                {
                    count = 1;
                    (kwLo, kwHi) = TapRange(iw0, Wd, kw, dW);
                }
                else
                {
                    // Balanced tiles: 14 pixels run as 5+5+4, not 6+6+2 (a 2-pixel tile is load-bound).
                    int left = Math.Min(s1, owB) - ow;
                    int tiles = (left + TilePixels - 1) / TilePixels;
                    count = (left + tiles - 1) / tiles;
                    (kwLo, kwHi) = (0, kw);
                }
                long outOff = imageY + ((long)oh * OW + ow) * Nchwc.Block;
                for (int ob = ob0; ob < ob1; ob++)
                {
                    float* yp = Y + outOff + ob * planeY;
                    float* rp = Residual is null ? null : Residual + outOff + ob * planeY;
                    NchwcConvTile.Run(count, xp, W.Packed + (long)ob * W.BlockStride, yp, rp, W.Bias + ob * Nchwc.Block, a, kwLo, kwHi);
                }
                ow += count;
            }
        }
    }

    /// <summary>Taps [lo, hi) of a window starting at <paramref name="i0"/> that land inside [0, size).</summary>
    internal static (int Lo, int Hi) TapRange(int i0, int size, int taps, int dil)
    {
        int lo = i0 >= 0 ? 0 : Math.Min(taps, (-i0 + dil - 1) / dil);
        int last = size - 1 - i0;
        int hi = last < 0 ? 0 : Math.Min(taps, last / dil + 1);
        return (lo, Math.Max(lo, hi));
    }
}

/// <summary>What one tile call needs besides its pointers (strides in floats).</summary>
internal struct TileArgs
{
    public int CbCount, IcCount, KW, KhLo, KhHi, WTapStride, WBlockStride;
    public long CbStrideX, IcStrideX, RowStrideX, KwStrideX, PixStrideX;
    public Activation Act;
    public float Alpha, Beta;
}
