using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Direct convolution in the blocked layout (<see cref="Nchwc"/>): y [N, K/16, OH, OW, 16] = act(conv(x, w) + bias +
/// residual), x blocked [N, C/16, H, W, 16] or plain NCHW (the stem). No im2col: a tile of up to 6 output pixels × 16
/// output channels accumulates in 12 registers (<see cref="NchwcConvTile"/>). Blocked like a GEMM (pixels = M, output
/// channels = N, input channels × taps = K): the reduction runs in chunks of input blocks whose weights for one output
/// block fit in half of L1, and inside a chunk each output block's weights stay in L1 while every pixel tile of the
/// work item passes over them (the inputs, reused across output blocks, stream from L2). Partial sums go back to the
/// output between chunks; the first chunk starts from bias + residual, the last applies the activation.
/// The input is first brought to a form with no clipped windows (<see cref="NchwcConvInput"/>). Work items are
/// (image, group of output blocks, block of output rows or pixels), sized for the threads.
/// </summary>
public static unsafe class NchwcConv
{
    /// <summary>The tier the micro-kernel runs at (AVX2+FMA or scalar).</summary>
    public static KernelTier Tier => CpuFeatures.Avx2Fma ? KernelTier.Avx2 : KernelTier.Scalar;

    internal const int TilePixels = 6;

    internal static readonly bool Avx2 = CpuFeatures.Avx2Fma;

    /// <summary>
    /// Output pixels a work item aims at at one thread: enough tiles to amortize loading each chunk's weights into L1
    /// (192 measured 2-6% faster than 96 on ResNet-50's layers); it also decides the loop order the weights are packed in.
    /// </summary>
    internal static int ItemPixels = 192;

    /// <summary>
    /// The same with several threads. 96 (finer items, better balance when a core is taken away mid-loop) measured 8-14%
    /// slower on ResNet-50 at batch 8 × 2 threads than 192: each item reloads its chunks' weights into L1 for half the tiles.
    /// Layers with few pixels still split further (output-block groups, then parts) to give the threads enough items.
    /// </summary>
    internal static int ItemPixelsThreaded = Environment.GetEnvironmentVariable("AXON_CONV_ITEM_THREADED") is { } v && int.TryParse(v, out int n) && n > 0 ? n : 192;

    /// <summary>Work items a layer aims at per thread before splitting output-block groups and parts further.</summary>
    internal static int TargetPerThread = 8;

    /// <summary>One output block's weights for a reduction chunk fill at most L1 / this.</summary>
    internal static int L1Share = 2;

    /// <summary>Prefetch the next chunk's weights while the current one runs (tunable for benchmarks).</summary>
    internal static bool PrefetchWeights = true;

    /// <summary>Loop order override for benchmarks: null chooses per layer, true/false forces output-major or chunk-major.</summary>
    internal static bool? OutputMajor;

    /// <summary>Prefetch each next tile's input on an item's first pass over it (tunable for benchmarks).</summary>
    internal static bool PrefetchInput = true;

    /// <summary>Prefetch the next tile's outputs and residual (tunable for benchmarks; measured neutral, so off).</summary>
    internal static bool PrefetchOutput;

    /// <summary>
    /// Runs the convolution. <paramref name="residual"/> (may be null) has the output's blocked shape and may be
    /// <paramref name="y"/> itself (each element is read once, just before it is first written); <paramref name="y"/>
    /// must not alias <paramref name="x"/>.
    /// </summary>
    public static void Run(float* x, NchwcConvWeights w, float* y, float* residual = null, Activation act = Activation.None,
        float alpha = 0, float beta = 0, WorkerPool? pool = null)
    {
        if (w.Geometry.N == 0)
        {
            return;
        }
        pool ??= WorkerPool.Default;
        var input = NchwcConvInput.Prepare(x, w, pool);
        var p = Plan(w, input, pool.Threads);
        p.Y = y;
        p.Residual = residual;
        p.Args.Act = act;
        p.Args.Alpha = alpha;
        p.Args.Beta = beta;
        pool.For(p.Items, p);
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

    /// <summary>
    /// The reduction chunk (input blocks whose weights for one output block fill at most L1 / <see cref="L1Share"/>) and
    /// the loop order: output-major (each output block's weights one contiguous stream over all chunks, its partial sums
    /// in L1) reads a part's input over all channels once per output block, so it is chosen where that input fits in half
    /// of L2; else chunk-major (a chunk's input shared by every output block while it is in L1).
    /// </summary>
    internal static (int Chunk, bool OutputMajor) Blocking(ConvGeometry g, bool plainInput)
    {
        int cbTotal = plainInput ? 1 : Nchwc.Blocks(g.C);
        long pairBytes = (long)g.KernelH * g.KernelW * (plainInput ? g.C : Nchwc.Block) * Nchwc.Block * sizeof(float);
        int chunk = (int)Math.Clamp(CpuFeatures.L1DataBytes / L1Share / Math.Max(1, pairBytes), 1, cbTotal);
        int chunks = (cbTotal + chunk - 1) / chunk;
        chunk = (cbTotal + chunks - 1) / chunks;
        bool outputMajor = OutputMajor ?? InputBytesPerPixel(g, plainInput) * Math.Min(ItemPixels, g.OutH * g.OutW) <= CpuFeatures.L2Bytes / 2;
        return (chunk, outputMajor);
    }

    /// <summary>Gather tiles across output rows (tunable for benchmarks).</summary>
    internal static bool GatherSmallPlanes = true;

    /// <summary>
    /// Whether a (not flat) layer walks its output plane in gathered tiles that cross rows: where a row's balanced tiles
    /// would have fewer than 5 pixels (7 → 4 + 3, 14 → 5 + 5 + 4), on a plane of several rows.
    /// </summary>
    internal static bool Gathers(ConvGeometry g, bool plainInput)
    {
        int tiles = (g.OutW + TilePixels - 1) / TilePixels;
        return GatherSmallPlanes && !plainInput && g.OutH > 1 && g.OutW / tiles < 5;
    }

    /// <summary>Prepared input bytes (all channels) per output pixel, the halo ignored.</summary>
    private static long InputBytesPerPixel(ConvGeometry g, bool plainInput)
    {
        long perPixel = plainInput ? (long)g.C * sizeof(float) : (long)Nchwc.Blocks(g.C) * Nchwc.Block * sizeof(float);
        if (g.KernelH == 1 && g.KernelW == 1 && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) == 0)
        {
            return perPixel; // flat, subsampled if strided
        }
        return perPixel * g.StrideH * (g.W + g.PadLeft + g.PadRight) / g.OutW;
    }

    private static Work Plan(NchwcConvWeights w, NchwcConvInput.Prepared input, int threads)
    {
        var g = w.Geometry;
        bool flat = input.Flat;
        bool gather = !flat && Gathers(g, w.PlainInput);
        // Flat planes and gathered ones are walked as one run of OH·OW pixels.
        bool run = flat || gather;
        int oh = run ? 1 : g.OutH, ow = run ? g.OutH * g.OutW : g.OutW;
        int kh = flat ? 1 : g.KernelH, kw = flat ? 1 : g.KernelW;
        // A plain input is NHWC: one pixel is C floats, and with undilated columns a tap row is one run of KW·C channels.
        int epp = w.PlainInput ? g.C : Nchwc.Block;
        bool rowRun = w.PlainInput && g.DilationW == 1;
        int icCount = w.PlainInput ? (rowRun ? kw * g.C : g.C) : Nchwc.Block;
        int kwLoop = rowRun ? 1 : kw;
        int cbTotal = w.InputBlocks;
        int chunk = w.Chunk;
        bool outputMajor = w.OutputMajor;
        // Parts: blocks of whole rows (or pixel segments of a flat plane) of about ItemPixels; output-major ones fewer
        // where a part's input over all channels would not fit in half of L2 (it is read once per output block).
        long inBytesPerPixel = InputBytesPerPixel(g, w.PlainInput);
        int aim = threads == 1 ? ItemPixels : Math.Min(ItemPixels, ItemPixelsThreaded);
        int itemPixels = outputMajor ? (int)Math.Clamp(CpuFeatures.L2Bytes / 2 / Math.Max(1, inBytesPerPixel), 4 * TilePixels, aim) : aim;
        int parts = run ? Math.Max(1, (ow + itemPixels / 2) / itemPixels) : Math.Clamp((oh * ow + itemPixels / 2) / itemPixels, 1, oh);
        // A small plane (the deep layers) takes several images per item, so a chunk's weights serve more tiles.
        int images = parts > 1 ? 1 : Math.Clamp(itemPixels / Math.Max(1, oh * ow), 1, g.N);
        int batches = (g.N + images - 1) / images;
        int outBlocks = w.OutputBlocks;
        int groups = 1;
        // Enough items for the threads to balance: split the output blocks into groups, then the parts further.
        long target = threads == 1 ? 1 : (long)TargetPerThread * threads;
        while ((long)batches * parts * groups < target && groups < outBlocks)
        {
            groups = Math.Min(outBlocks, groups * 2);
        }
        while ((long)batches * parts * groups < target && parts < (run ? (ow + TilePixels - 1) / TilePixels : oh))
        {
            parts++;
        }
        int group = (outBlocks + groups - 1) / groups;
        groups = (outBlocks + group - 1) / group;
        // Items of about equal work in a multiple of the threads: 33 parts on 2 threads would leave one core idle for a part.
        int maxParts = run ? (ow + TilePixels - 1) / TilePixels : oh;
        while (threads > 1 && (long)batches * parts * groups % threads != 0 && parts < maxParts)
        {
            parts++;
        }
        return new Work
        {
            W = w, X = input.X, OH = oh, OW = ow, Flat = run, Gather = gather, PlaneW = g.OutW, Group = group, Groups = groups, Parts = parts,
            Images = images, Items = batches * groups * parts, Chunk = chunk, CbTotal = cbTotal, Order = outputMajor, PrefetchInput = PrefetchInput, PrefetchOutput = PrefetchOutput,
            ImageStrideX = (long)cbTotal * input.H * input.W * epp,
            RowStrideY = (long)input.StrideH * input.W * epp,
            PixStepX = (long)input.StrideW * epp,
            Args = new TileArgs
            {
                IcCount = icCount,
                CbStrideX = (long)input.H * input.W * Nchwc.Block,
                RowStrideX = (long)g.DilationH * input.W * epp,
                KwStrideX = (long)g.DilationW * epp,
                // Tap kw's offset is (kw % 2)·KwOddX + (kw / 2)·KwPairX: kw·KwStrideX, or for a width split in phases
                // the odd phase for odd taps and one pixel further per pair of taps.
                KwOddX = input.OddColumn > 0 ? (long)input.OddColumn * epp : (long)g.DilationW * epp,
                KwPairX = input.OddColumn > 0 ? epp : 2L * g.DilationW * epp,
                PixStrideX = (long)input.StrideW * epp,
                KH = kh,
                KW = kwLoop,
                WTapStride = icCount * Nchwc.Block,
                WBlockStride = kh * kw * (w.PlainInput ? g.C : Nchwc.Block) * Nchwc.Block,
            },
        };
    }

    private struct Work : IParallelBody
    {
        public NchwcConvWeights W;
        public float* X, Y, Residual;
        public int OH, OW, PlaneW, Group, Groups, Parts, Images, Items, Chunk, CbTotal;
        public long ImageStrideX, RowStrideY, PixStepX;
        public bool Flat, Gather, Order, PrefetchInput, PrefetchOutput;
        public TileArgs Args;

        public readonly void Invoke(int index)
        {
            int part = index % Parts;
            int rest = index / Parts;
            int grp = rest % Groups;
            int n0 = rest / Groups * Images, n1 = Math.Min(W.Geometry.N, n0 + Images);
            int ob0 = grp * Group, ob1 = Math.Min(W.OutputBlocks, ob0 + Group);
            // A part is rows [r0, r1) of the output, or pixels [p0, p1) of a flat plane's single row.
            int r0 = Flat ? 0 : (int)((long)OH * part / Parts), r1 = Flat ? 1 : (int)((long)OH * (part + 1) / Parts);
            int p0 = Flat ? (int)((long)OW * part / Parts) : 0, p1 = Flat ? (int)((long)OW * (part + 1) / Parts) : OW;
            // The next (output block, chunk)'s weights are prefetched a few lines per tile, so its first tiles do not wait
            // on L3 (on a small plane an output block's chunk serves only a handful of tiles).
            int rows = (n1 - n0) * (r1 - r0);
            int lines = PrefetchWeights ? Chunk * Args.WBlockStride / 16 : 0;
            int perRow = (lines + rows - 1) / rows;
            var a = Args;
            if (Order)
            {
                // Output block outside: its weights for all chunks are one contiguous stream, prefetched one chunk ahead.
                for (int ob = ob0; ob < ob1; ob++)
                {
                    float* bias = W.Bias + ob * Nchwc.Block;
                    for (int cb0 = 0; cb0 < CbTotal; cb0 += Chunk)
                    {
                        a.CbCount = Math.Min(Chunk, CbTotal - cb0);
                        float* wp = W.Pair(ob, cb0);
                        bool more = ob + 1 < ob1 || cb0 + Chunk < CbTotal;
                        Rows(a, cb0, wp, bias, ob, ob0, n0, n1, r0, r1, p0, p1, more && lines > 0 ? (byte*)(wp + a.CbCount * a.WBlockStride) : null, perRow);
                    }
                }
                return;
            }
            for (int cb0 = 0; cb0 < CbTotal; cb0 += Chunk)
            {
                a.CbCount = Math.Min(Chunk, CbTotal - cb0);
                for (int ob = ob0; ob < ob1; ob++)
                {
                    float* wp = W.Pair(ob, cb0);
                    int nextOb = ob + 1 < ob1 ? ob + 1 : ob0;
                    int nextCb = ob + 1 < ob1 ? cb0 : cb0 + Chunk;
                    byte* pf = nextCb < CbTotal && lines > 0 ? (byte*)W.Pair(nextOb, nextCb) : null;
                    Rows(a, cb0, wp, W.Bias + ob * Nchwc.Block, ob, ob0, n0, n1, r0, r1, p0, p1, pf, perRow);
                }
            }
        }

        /// <summary>One output block, one reduction chunk, over the item's images and rows.</summary>
        private readonly void Rows(in TileArgs a, int cb0, float* wp, float* bias, int ob, int ob0, int n0, int n1, int r0, int r1, int p0, int p1,
            byte* pf, int perRow)
        {
            int mode = (cb0 == 0 ? NchwcConvTile.First : 0) | (cb0 + Chunk >= CbTotal ? NchwcConvTile.Last : 0)
                | (PrefetchInput && ob == ob0 ? NchwcConvTile.PrefetchInput : 0)
                | (PrefetchOutput && cb0 == 0 ? NchwcConvTile.PrefetchOutput : 0);
            long planeY = (long)OH * OW * Nchwc.Block;
            for (int n = n0; n < n1; n++)
            {
                float* xImage = X + n * ImageStrideX + cb0 * a.CbStrideX;
                long outPlane = (n * (long)W.OutputBlocks + ob) * planeY;
                for (int r = r0; r < r1; r++, pf = pf is null ? null : pf + (long)perRow * 64)
                {
                    long o = outPlane + ((long)r * OW + p0) * Nchwc.Block;
                    if (Gather)
                    {
                        NchwcConvTile.Gather(p1 - p0, p0, PlaneW, xImage, RowStrideY, PixStepX, wp, Y + o, Residual is null ? null : Residual + o,
                            bias, a, mode, pf, perRow);
                        continue;
                    }
                    NchwcConvTile.Row(p1 - p0, xImage + r * RowStrideY + p0 * PixStepX, wp, Y + o, Residual is null ? null : Residual + o,
                        bias, a, mode, pf, perRow);
                }
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

/// <summary>What one tile call needs besides its pointers (strides in floats; input channels are adjacent floats).</summary>
internal struct TileArgs
{
    public int CbCount, IcCount, KH, KW, WTapStride, WBlockStride;
    public long CbStrideX, RowStrideX, KwStrideX, PixStrideX, KwOddX, KwPairX;

    /// <summary>Floats from a pixel's input to tap <paramref name="kw"/>'s (see the width split in <see cref="NchwcConvInput"/>).</summary>
    public readonly long KwOffset(int kw) => (kw & 1) * KwOddX + (kw >> 1) * KwPairX;
    public Activation Act;
    public float Alpha, Beta;
}
