using System.Runtime.Intrinsics;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// 3×3 stride-1 convolution in the blocked layout (<see cref="Nchwc"/>) by Winograd's minimal filtering F(m×m, 3×3),
/// m = 4 (or 2, <see cref="IWinogradTile"/>): y [N, K/16, OH, OW, 16] = act(conv(x, w) + bias + residual) for
/// x [N, C/16, H, W, 16]. The output plane is cut in m×m tiles, each read as an (m+2)² input window (zeros outside the
/// input). Three parallel phases, over waves of tile rows that keep V and M in the caches:
/// (1) each tile's window, 16 channels at a time, goes through Bᵀ·d·B into V [points][tiles][C];
/// (2) one GEMM per point, M_ξ = V_ξ·U_ξ [tiles, K], against the transformed weights (<see cref="WinogradWeights"/>);
/// (3) each tile goes back through Aᵀ·M·A to m×m pixels, plus bias and residual, then the activation.
/// F(4×4) does 2.25 multiply-adds per output and channel pair instead of 9, at the price of the transforms (linear in
/// C + K, not C·K) and of rounding: the points ±2 make its error a few times the direct kernel's (~1e-6 relative).
/// </summary>
public static unsafe class WinogradConv
{
    /// <summary>Turns the Winograd path off for the compiler's choice (<c>AXON_WINOGRAD=0</c>: exact parity runs).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("AXON_WINOGRAD") != "0";

    /// <summary>The tier the transforms and the GEMMs run at.</summary>
    public static KernelTier Tier => Sgemm.Tier;

    /// <summary>GEMM rows (tiles) per work item of phase 2: a block of V's rows (read in place) that stays in L2.</summary>
    internal static int RowsPerItem = 192;

    /// <summary>Prefetch each next weight panel during the current one (tunable for benchmarks).</summary>
    internal static bool Prefetch = true;

    /// <summary>The geometry the kernel computes: 3×3, stride 1, undilated, one group, pads of at most 2.</summary>
    public static bool Applies(ConvGeometry g) =>
        g.KernelH == 3 && g.KernelW == 3 && g.StrideH == 1 && g.StrideW == 1 && g.DilationH == 1 && g.DilationW == 1 && g.Group == 1
        && g.PadTop <= 2 && g.PadLeft <= 2 && g.PadBottom <= 2 && g.PadRight <= 2 && g.OutH >= 1 && g.OutW >= 1;

    /// <summary>
    /// The variant the compiler should pick over the direct kernel (the tile size, or 0 for the direct kernel): it
    /// applies, it is enabled, the CPU has AVX2, there are tiles enough over the batch to reuse each transformed weight
    /// (streamed once per wave), and at least 3/4 of the computed outputs are real (planes no multiple of the tile).
    /// </summary>
    public static int Choose(ConvGeometry g)
    {
        if (!Enabled || !CpuFeatures.Avx2Fma || !Applies(g) || g.C < 16 || g.K < 16)
        {
            return 0;
        }
        foreach (int m in (ReadOnlySpan<int>)[4, 2])
        {
            if (Tiles(g, m) >= MinTiles && (long)g.OutH * g.OutW * 4 >= (long)TilesH(g, m) * TilesW(g, m) * m * m * 3)
            {
                return m;
            }
        }
        return 0;
    }

    /// <summary>Whether <see cref="Choose"/> picks a Winograd variant.</summary>
    public static bool Suits(ConvGeometry g) => Choose(g) != 0;

    /// <summary>Fewest tiles over the batch for a variant to be chosen.</summary>
    internal static int MinTiles = 32;

    internal static int TilesH(ConvGeometry g, int m) => (g.OutH + m - 1) / m;

    internal static int TilesW(ConvGeometry g, int m) => (g.OutW + m - 1) / m;

    /// <summary>Tiles over the whole batch (the GEMMs' rows).</summary>
    internal static int Tiles(ConvGeometry g, int m) => g.N * TilesH(g, m) * TilesW(g, m);

    /// <summary>
    /// Runs the convolution. <paramref name="residual"/> (may be null) has the output's blocked shape and may be
    /// <paramref name="y"/> itself; <paramref name="y"/> must not alias <paramref name="x"/>.
    /// </summary>
    public static void Run(float* x, WinogradWeights w, float* y, float* residual = null, Activation act = Activation.None,
        float alpha = 0, float beta = 0, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        if (g.N == 0)
        {
            return;
        }
        pool ??= WorkerPool.Default;
        if (w.TileSize == 4)
        {
            Run<WinogradF4>(x, w, y, residual, act, alpha, beta, pool);
        }
        else
        {
            Run<WinogradF2>(x, w, y, residual, act, alpha, beta, pool);
        }
    }

    private static void Run<TV>(float* x, WinogradWeights w, float* y, float* residual, Activation act, float alpha, float beta, WorkerPool pool)
        where TV : struct, IWinogradTile
    {
        var g = w.Geometry;
        int points = TV.A * TV.A;
        int cp = w.PaddedC, kp = w.PaddedK, th = TilesH(g, TV.M), tw = TilesW(g, TV.M);
        // Waves of whole tile rows, so V and M stay in the caches between the phases on large batches and planes,
        // but never so small that the transformed weights would be streamed again for a handful of tiles.
        int tileRows = g.N * th;
        long perTile = (long)points * (cp + kp) * sizeof(float);
        int waveTiles = (int)Math.Clamp(WaveBytes / perTile, MinWaveTiles, int.MaxValue);
        int waveRows = Math.Clamp(waveTiles / tw, 1, tileRows);
        int waves = (tileRows + waveRows - 1) / waveRows;
        waveRows = (tileRows + waves - 1) / waves;
        int maxTiles = waveRows * tw;
        float* v = ThreadScratch.Floats(ThreadScratch.WinogradInput, (long)points * maxTiles * cp);
        float* m = ThreadScratch.Floats(ThreadScratch.WinogradProducts, (long)points * maxTiles * kp);
        for (int row0 = 0; row0 < tileRows; row0 += waveRows)
        {
            int rowsHere = Math.Min(waveRows, tileRows - row0);
            int tiles = rowsHere * tw;
            // Several input blocks per item (a tile's V row written as one run: 2-4% faster on one thread), as long as
            // the threads still get eight items each.
            int group = Math.Clamp(cp / Nchwc.Block * rowsHere / (8 * pool.Threads), 1, cp / Nchwc.Block);
            pool.For(rowsHere * ((cp / Nchwc.Block + group - 1) / group), new InputBody<TV> { X = x, V = v, G = g, TH = th, TW = tw, Row0 = row0, Tiles = tiles, Cp = cp, Group = group });
            int rowBlocks = (tiles + RowsPerItem - 1) / RowsPerItem;
            int rows = ((tiles + rowBlocks - 1) / rowBlocks + Sgemm.MR - 1) / Sgemm.MR * Sgemm.MR;
            rowBlocks = (tiles + rows - 1) / rows;
            pool.For(points * rowBlocks, new GemmBody { W = w, V = v, M = m, Tiles = tiles, Rows = rows, RowBlocks = rowBlocks, Cp = cp, Kp = kp });
            pool.For(rowsHere * (kp / Nchwc.Block), new OutputBody<TV>
            {
                M = m, Y = y, Residual = residual, Bias = w.Bias, G = g, TH = th, TW = tw, Row0 = row0, Tiles = tiles, Kp = kp, Act = act, Alpha = alpha, Beta = beta,
            });
        }
    }

    /// <summary>V and M bytes a wave aims at (1 MiB measured 10-20% faster than one wave on ResNet-50's 56×56 and 28×28 layers at batch 8).</summary>
    internal static long WaveBytes = 1L << 20;

    /// <summary>Fewest tiles in a wave: each wave streams all the transformed weight matrices once.</summary>
    internal static int MinWaveTiles = 96;

    /// <summary>Span overload with length checks (tests and benchmarks).</summary>
    public static void Run(ReadOnlySpan<float> x, WinogradWeights w, Span<float> y, ReadOnlySpan<float> residual = default,
        Activation act = Activation.None, float alpha = 0, float beta = 0, WorkerPool? pool = null)
    {
        var g = w.Geometry;
        long xNeed = Nchwc.Elements(g.N, g.C, g.H, g.W), yNeed = Nchwc.Elements(g.N, g.K, g.OutH, g.OutW);
        if (x.Length < xNeed || y.Length < yNeed || (!residual.IsEmpty && residual.Length < yNeed))
        {
            throw new ArgumentException($"Winograd convolution needs {xNeed} inputs and {yNeed} outputs, got {x.Length} and {y.Length}");
        }
        fixed (float* px = x, py = y, pr = residual)
        {
            Run(px, w, py, residual.IsEmpty ? null : pr, act, alpha, beta, pool);
        }
    }

    /// <summary>Phase 1: one row of tiles of one image and a group of input blocks into V.</summary>
    private struct InputBody<TV> : IParallelBody where TV : struct, IWinogradTile
    {
        public float* X, V;
        public ConvGeometry G;
        public int TH, TW, Row0, Tiles, Cp, Group;

        public readonly void Invoke(int index)
        {
            int a = TV.A, points = a * a;
            int cbs = Cp / Nchwc.Block, groups = (cbs + Group - 1) / Group;
            int grp = index % groups, local = index / groups, rest = Row0 + local;
            int tr = rest % TH, n = rest / TH;
            var d = stackalloc Vector256<float>[36];
            var t = stackalloc Vector256<float>[36];
            int ih0 = tr * TV.M - G.PadTop;
            bool rowsInside = ih0 >= 0 && ih0 + a <= G.H;
            long pointStride = (long)Tiles * Cp;
            for (int tc = 0; tc < TW; tc++)
            for (int cb = grp * Group, cbEnd = Math.Min(cbs, cb + Group); cb < cbEnd; cb++)
            {
                float* plane = X + ((long)n * cbs + cb) * G.H * G.W * Nchwc.Block;
                int iw0 = tc * TV.M - G.PadLeft;
                bool inside = rowsInside && iw0 >= 0 && iw0 + a <= G.W;
                float* o = V + ((long)local * TW + tc) * Cp + cb * Nchwc.Block;
                for (int half = 0; half < 2; half++)
                {
                    float* src = plane + ((long)ih0 * G.W + iw0) * Nchwc.Block + half * 8;
                    if (inside)
                    {
                        for (int r = 0; r < a; r++)
                        {
                            float* row = src + (long)r * G.W * Nchwc.Block;
                            for (int c = 0; c < a; c++)
                            {
                                d[r * a + c] = Vector256.Load(row + c * Nchwc.Block);
                            }
                        }
                    }
                    else
                    {
                        for (int r = 0; r < a; r++)
                        {
                            bool rowIn = ih0 + r >= 0 && ih0 + r < G.H;
                            for (int c = 0; c < a; c++)
                            {
                                d[r * a + c] = rowIn && iw0 + c >= 0 && iw0 + c < G.W
                                    ? Vector256.Load(src + ((long)r * G.W + c) * Nchwc.Block) : Vector256<float>.Zero;
                            }
                        }
                    }
                    // Along each row (d·B), then down each column (Bᵀ·…), straight into the GEMM operands.
                    for (int r = 0; r < a; r++)
                    {
                        TV.Input(d + r * a, 1, t + r * a, 1);
                    }
                    for (int c = 0; c < a; c++)
                    {
                        TV.Input(t + c, a, d + c, a);
                    }
                    float* dst = o + half * 8;
                    for (int xi = 0; xi < points; xi++)
                    {
                        Vector256.Store(d[xi], dst + xi * pointStride);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Phase 2: one transform point's GEMM over one block of tile rows, straight on the micro-kernel with A read in
    /// place (V's rows are already channel-contiguous; packing them cost as much as the short GEMMs' FMAs): for each
    /// 16-column panel of U_ξ (in L1), every 6-row strip of the block (in L2).
    /// </summary>
    private struct GemmBody : IParallelBody
    {
        public WinogradWeights W;
        public float* V, M;
        public int Tiles, Rows, RowBlocks, Cp, Kp;

        public readonly void Invoke(int index)
        {
            int xi = index / RowBlocks, rb = index % RowBlocks;
            int r0 = rb * Rows, count = Math.Min(Rows, Tiles - r0);
            long row = (long)xi * Tiles + r0;
            float* a = V + row * Cp, c = M + row * Kp, u = W.Point(xi);
            int panels = Kp / Sgemm.NR, kBlock = Sgemm.BlockK(Cp);
            for (int k0 = 0; k0 < Cp; k0 += kBlock)
            {
                int kc = Math.Min(kBlock, Cp - k0);
                float* block = u + (long)k0 * panels * Sgemm.NR;
                int strips = (count + Sgemm.MR - 1) / Sgemm.MR;
                int linesPerStrip = (kc + strips - 1) / strips;
                for (int p = 0; p < panels; p++)
                {
                    float* b = block + (long)p * kc * Sgemm.NR;
                    // The next panel (or the next point's first), a share of its lines per strip: with few tiles the
                    // weights stream from memory and each panel serves only a handful of strips.
                    float* next = p + 1 < panels ? b + kc * Sgemm.NR : null;
                    for (int r = 0, s = 0; r < count; r += Sgemm.MR, s++)
                    {
                        if (next is not null && Prefetch && System.Runtime.Intrinsics.X86.Sse.IsSupported)
                        {
                            for (int l = s * linesPerStrip, end = Math.Min(kc, l + linesPerStrip); l < end; l++)
                            {
                                System.Runtime.Intrinsics.X86.Sse.Prefetch0(next + l * Sgemm.NR);
                            }
                        }
                        MicroKernel.TileStridedA(kc, a + (long)r * Cp + k0, Cp, Math.Min(Sgemm.MR, count - r), b, Sgemm.NR,
                            c + (long)r * Kp + p * Sgemm.NR, Kp, Sgemm.NR, k0 > 0);
                    }
                }
            }
        }
    }

    /// <summary>Phase 3: one row of tiles of one image and one output block back to pixels, with the epilogue.</summary>
    private struct OutputBody<TV> : IParallelBody where TV : struct, IWinogradTile
    {
        public float* M, Y, Residual, Bias;
        public ConvGeometry G;
        public int TH, TW, Row0, Tiles, Kp;
        public Activation Act;
        public float Alpha, Beta;

        public readonly void Invoke(int index)
        {
            int a = TV.A, mm = TV.M, points = a * a;
            int kbs = Kp / Nchwc.Block;
            int kb = index % kbs, local = index / kbs, rest = Row0 + local;
            int tr = rest % TH, n = rest / TH;
            int oh = G.OutH, ow = G.OutW;
            long planeOffset = ((long)n * kbs + kb) * oh * ow * Nchwc.Block;
            var m = stackalloc Vector256<float>[36];
            var t = stackalloc Vector256<float>[24];
            var o = stackalloc Vector256<float>[16];
            long pointStride = (long)Tiles * Kp;
            int rows = Math.Min(mm, oh - tr * mm);
            bool relu = Act == Activation.Relu;
            var zero = Vector256<float>.Zero;
            for (int tc = 0; tc < TW; tc++)
            {
                float* src = M + ((long)local * TW + tc) * Kp + kb * Nchwc.Block;
                int cols = Math.Min(mm, ow - tc * mm);
                for (int half = 0; half < 2; half++)
                {
                    for (int xi = 0; xi < points; xi++)
                    {
                        m[xi] = Vector256.Load(src + half * 8 + xi * pointStride);
                    }
                    // Along each row (·A), then down each column (Aᵀ·…).
                    for (int r = 0; r < a; r++)
                    {
                        TV.Output(m + r * a, 1, t + r * mm, 1);
                    }
                    for (int c = 0; c < mm; c++)
                    {
                        TV.Output(t + c, mm, o + c, mm);
                    }
                    var bias = Vector256.Load(Bias + kb * Nchwc.Block + half * 8);
                    for (int r = 0; r < rows; r++)
                    {
                        long at = planeOffset + ((long)(tr * mm + r) * ow + tc * mm) * Nchwc.Block + half * 8;
                        for (int c = 0; c < cols; c++)
                        {
                            long p = at + c * Nchwc.Block;
                            var value = o[r * mm + c] + bias;
                            if (Residual is not null)
                            {
                                value += Vector256.Load(Residual + p);
                            }
                            if (relu)
                            {
                                value = Vector256.Max(value, zero);
                            }
                            Vector256.Store(value, Y + p);
                        }
                    }
                }
                if (Act is not (Activation.None or Activation.Relu))
                {
                    for (int r = 0; r < rows; r++)
                    {
                        long at = planeOffset + ((long)(tr * mm + r) * ow + tc * mm) * Nchwc.Block;
                        EpilogueOps.Activate(Y + at, cols * Nchwc.Block, Act, Alpha, Beta);
                    }
                }
            }
        }
    }
}
