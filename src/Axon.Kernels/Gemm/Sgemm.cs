using System.Runtime.CompilerServices;
using Axon.Kernels.Cpu;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Gemm;

/// <summary>
/// Single-precision GEMM, <c>C = alpha·op(A)·op(B) + beta·C</c> followed by a fused epilogue, after the Goto/BLIS
/// scheme: B is packed into kc×16 column panels (once, ahead of time, for weights), A into kc×6 row panels per block,
/// and a 6×16 register-blocked micro-kernel accumulates in twelve vector registers. Work is split into output tiles
/// (M blocks sized from L2, N blocks only when M gives too few tasks) handed to the worker pool; each tile runs the
/// whole K loop in a fixed order, so results do not depend on the thread count.
/// </summary>
public static unsafe partial class Sgemm
{
    internal const int MR = MicroKernel.MR;
    internal const int NR = MicroKernel.NR;

    /// <summary>
    /// Largest K block. A 16-wide B micro-panel of 384 rows (24 KiB) stays in L1 beside the 9 KiB A micro-panel; measured
    /// side by side against 256 it wins on every shape tried (fewer passes over C, longer FMA runs per call). Settable
    /// only for the tuning harness (bench/Axon.Bench --sgemm-shapes); a packed B records the block it was packed with.
    /// </summary>
    internal static int KC { get; set; } = 384;

    /// <summary>Whether full A panels are packed by the vector transpose (tuning harness knob; the scalar gather is the fallback).</summary>
    internal static bool VectorPackA { get; set; } = true;

    /// <summary>
    /// Whether each row tile also prefetches its share of the next B panel (tuning harness knob). Side by side under load,
    /// 1024³ and 2048³ gained 5-9% with it: the last tile's prefetch alone leaves the next panel's first use waiting on L3.
    /// </summary>
    internal static bool SpreadPrefetchB { get; set; } = true;

    /// <summary>Whether the last row tile of a panel prefetches the next B panel (tuning harness knob).</summary>
    internal static bool PrefetchB { get; set; } = true;

    /// <summary>
    /// The K block used for a K-deep product (packed B's layout and the driver agree on it): K split into equal blocks
    /// of at most about <see cref="KC"/> rows, a multiple of 8 (1024 → 3×344 rather than 384 + 384 + 256, so no short
    /// block pays a full pass over C for a few FMAs).
    /// </summary>
    internal static int BlockK(int k)
    {
        int blocks = Math.Max(1, (k + KC - 1) / KC);
        return Math.Max(1, ((k + blocks - 1) / blocks + 7) / 8 * 8);
    }

    /// <summary>
    /// Largest M block, a multiple of <see cref="MR"/> sized so an MC×KC packed A block fills about half of L2 (168 rows
    /// with 512 KiB; 240 measured slower at 1024² and 2048²). Settable only for the tuning harness.
    /// </summary>
    internal static int MCMax { get; set; } = Math.Clamp(CpuFeatures.L2Bytes / 2 / (384 * sizeof(float)) / MR * MR, 48, 240);

    /// <summary>Largest N block: a KC×NC slice of packed B (4 MiB at most) stays in the shared L3.</summary>
    internal static int NCMax { get; } = Math.Clamp(CpuFeatures.L3Bytes / 4 / (256 * sizeof(float)) / NR * NR, 256, 4096);

    /// <summary>The tier the micro-kernel runs at in this process (tests assert it).</summary>
    public static KernelTier Tier => MicroKernel.Tier;

    /// <summary>C[M,N] = alpha·op(A)·op(B) + beta·C, then the epilogue. Row-major with leading dimensions.</summary>
    public static void Multiply(int m, int n, int k, float alpha, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float beta, float* c, int ldc, in GemmEpilogue epilogue = default, WorkerPool? pool = null)
    {
        if (m <= 0 || n <= 0)
        {
            return;
        }
        using var packed = PackedMatrix.PackB(b, ldb, transB, k, n);
        Multiply(m, n, k, alpha, a, lda, transA, packed, beta, c, ldc, epilogue, pool);
    }

    /// <summary>GEMM against a B packed ahead of time with <see cref="PackedMatrix.PackB"/> (weights).</summary>
    public static void Multiply(int m, int n, int k, float alpha, float* a, int lda, bool transA, PackedMatrix b,
        float beta, float* c, int ldc, in GemmEpilogue epilogue = default, WorkerPool? pool = null)
    {
        if (b.K != k || b.N != n)
        {
            throw new ArgumentException($"packed B is {b.K}x{b.N}, GEMM needs {k}x{n}");
        }
        if (m <= 0 || n <= 0)
        {
            return;
        }
        if (k == 0)
        {
            ScaleOnly(m, n, beta, c, ldc, epilogue);
            return;
        }
        MultiplyPacked(m, n, k, alpha, a, lda, transA, b.Pointer, b.KBlock, beta, c, ldc, epilogue, pool ?? WorkerPool.Default);
    }

    /// <summary>GEMM against a B packed into raw memory with <see cref="PackedMatrix.PackInto"/> (K ≥ 1).</summary>
    internal static void MultiplyPacked(int m, int n, int k, float alpha, float* a, int lda, bool transA, float* bPacked,
        float beta, float* c, int ldc, in GemmEpilogue epilogue, WorkerPool pool) =>
        MultiplyPacked(m, n, k, alpha, a, lda, transA, bPacked, BlockK(k), beta, c, ldc, epilogue, pool);

    private static void MultiplyPacked(int m, int n, int k, float alpha, float* a, int lda, bool transA, float* bPacked, int kBlock,
        float beta, float* c, int ldc, in GemmEpilogue epilogue, WorkerPool pool)
    {
        var (mBlocks, mcBlock, nBlocks, ncBlock) = Partition(m, n, pool.Threads);
        var body = new TileBody
        {
            M = m, N = n, K = k, KCBlock = kBlock, Alpha = alpha, A = a, Lda = lda, TransA = transA, B = bPacked, Beta = beta, C = c, Ldc = ldc,
            Epilogue = epilogue, MBlocks = mBlocks, MCBlock = mcBlock, NCBlock = ncBlock,
        };
        pool.For(mBlocks * nBlocks, body);
    }

    /// <summary>
    /// Single-threaded GEMM against a B already packed into raw memory with <see cref="PackedMatrix.PackInto"/>: for
    /// small products inside another parallel loop (attention heads), with no pool hand-off and no allocation.
    /// </summary>
    internal static void MultiplyPacked(int m, int n, int k, float alpha, float* a, int lda, float* bPacked, float* c, int ldc)
    {
        if (m <= 0 || n <= 0 || k <= 0)
        {
            return;
        }
        var body = new TileBody
        {
            M = m, N = n, K = k, KCBlock = BlockK(k), Alpha = alpha, A = a, Lda = lda, B = bPacked, C = c, Ldc = ldc, MBlocks = 1,
            MCBlock = (m + MR - 1) / MR * MR, NCBlock = (n + NR - 1) / NR * NR,
        };
        body.Invoke(0);
    }

    /// <summary>
    /// Splits C into equal tasks: M blocks of at most <see cref="MCMax"/> rows (a multiple of the thread count when M is
    /// large, so no core idles at the end), and N blocks of whole panels when M alone gives too few tasks (always, when M
    /// fits one block). Every element's K loop is the same whatever the split, so results do not depend on it.
    /// </summary>
    internal static (int MBlocks, int MCBlock, int NBlocks, int NCBlock) Partition(int m, int n, int threads)
    {
        int mBlocks = (m + MCMax - 1) / MCMax;
        int panels = (n + NR - 1) / NR;
        // A short M (one block: the tokens of a transformer projection) is split along N when there are panels enough,
        // so each thread streams only its own share of the packed weights and still reuses every panel over all of M.
        bool splitN = mBlocks == 1 && panels >= threads;
        if (threads > 1 && mBlocks % threads != 0 && m >= threads * 4 * MR && !splitN)
        {
            mBlocks = (mBlocks + threads - 1) / threads * threads;
        }
        int mcBlock = ((m + mBlocks - 1) / mBlocks + MR - 1) / MR * MR;
        mBlocks = (m + mcBlock - 1) / mcBlock;
        int nBlocks = (n + NCMax - 1) / NCMax;
        if (mBlocks * nBlocks < threads)
        {
            nBlocks = Math.Min(panels, (threads + mBlocks - 1) / mBlocks);
        }
        int ncBlock = (panels + nBlocks - 1) / nBlocks * NR;
        nBlocks = (n + ncBlock - 1) / ncBlock;
        return (mBlocks, mcBlock, nBlocks, ncBlock);
    }

    private static void ScaleOnly(int m, int n, float beta, float* c, int ldc, in GemmEpilogue ep)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                c[(long)i * ldc + j] = beta == 0 ? 0 : beta * c[(long)i * ldc + j];
            }
            EpilogueOps.ApplyRow(c + (long)i * ldc, i, 0, n, ep);
        }
    }

    private struct TileBody : IParallelBody
    {
        public int M, N, K, KCBlock, Lda, Ldc, MBlocks, MCBlock, NCBlock;
        public float Alpha, Beta;
        public float* A, B, C;
        public bool TransA;
        public GemmEpilogue Epilogue;

        public readonly void Invoke(int tile)
        {
            int mt = tile % MBlocks;
            int nt = tile / MBlocks;
            int i0 = mt * MCBlock;
            int j0 = nt * NCBlock;
            int mc = Math.Min(MCBlock, M - i0);
            int nc = Math.Min(NCBlock, N - j0);
            if (mc <= 0 || nc <= 0)
            {
                return;
            }
            int kcBlock = KCBlock;
            float* apack = ThreadScratch.Floats(ThreadScratch.GemmPackA, (long)((mc + MR - 1) / MR * MR) * Math.Min(kcBlock, K) + PackA6.Slack);
            int kPanels = (N + NR - 1) / NR;
            if (Beta != 0 && Beta != 1)
            {
                // The micro-kernel either stores or adds; a general beta scales this tile of C once up front.
                for (int r = 0; r < mc; r++)
                {
                    var row = new Span<float>(C + (long)(i0 + r) * Ldc + j0, nc);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(row, Beta, row);
                }
            }
            bool epilogue = !Epilogue.IsIdentity;
            for (int k0 = 0; k0 < K; k0 += kcBlock)
            {
                int kc = Math.Min(kcBlock, K - k0);
                PackA(A, Lda, TransA, i0, mc, k0, kc, Alpha, apack);
                bool last = k0 + kc >= K;
                bool accumulate = k0 > 0 || Beta != 0;
                bool spreadB = SpreadPrefetchB && (long)kc * nc * sizeof(float) >= 2L * CpuFeatures.L2Bytes
                    && System.Runtime.Intrinsics.X86.Sse.IsSupported;
                // B is packed as [kBlock][nPanel][kc][16]; locate this K block's panels.
                float* bBlock = B + (long)k0 * kPanels * NR;
                for (int jr = 0; jr < nc; jr += NR)
                {
                    int nr = Math.Min(NR, nc - jr);
                    float* bp = bBlock + (long)((j0 + jr) / NR) * kc * NR;
                    float* cp = C + (long)i0 * Ldc + j0 + jr;
                    float* ap = apack;
                    // The last row tile of this panel prefetches the next panel, which the first row tile then finds in L1.
                    float* bNext = jr + NR < nc && PrefetchB ? bp + (long)kc * NR : bp;
                    // Where this K block's panels cannot stay in L2 (twice its size or more), the next panel is also
                    // fetched a few lines per row tile, spread over this panel's sweep: L3 (or memory, when other cores
                    // crowd L3) then has a whole sweep to deliver it, not one tile's FMAs. Smaller B blocks come from L2,
                    // where the extra lines in L1 only cost (128×384×384: 2% slower with it).
                    int tiles = (mc + MR - 1) / MR;
                    bool spread = bNext != bp && spreadB && tiles >= 4;
                    int linesPerTile = (kc + tiles - 1) / tiles;
                    for (int ir = 0, t = 0; ir < mc; ir += MR, ap += MR * kc, cp += MR * Ldc, t++)
                    {
                        int mr = Math.Min(MR, mc - ir);
                        if (spread)
                        {
                            PrefetchLines(bNext, Math.Min(kc, t * linesPerTile), Math.Min(kc, (t + 1) * linesPerTile));
                        }
                        MicroKernel.Tile(kc, ap, bp, NR, cp, Ldc, mr, nr, accumulate, ir + MR >= mc ? bNext : bp);
                        if (last && epilogue)
                        {
                            EpilogueOps.ApplyTile(cp, Ldc, mr, nr, i0 + ir, j0 + jr, Epilogue);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Prefetches lines [from, to) of a packed panel (one 64-byte line per k row).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchLines(float* panel, int from, int to)
    {
        for (float* p = panel + (long)from * NR, end = panel + (long)to * NR; p < end; p += NR)
        {
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(p);
        }
    }

    /// <summary>Packs rows i0..i0+mc, columns k0..k0+kc of alpha·op(A) into MR-row panels laid out [panel][k][MR], zero-padded.</summary>
    private static void PackA(float* a, int lda, bool transA, int i0, int mc, int k0, int kc, float alpha, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            PackAPanel(a, lda, transA, i0 + ir, Math.Min(MR, mc - ir), k0, kc, alpha, dst + ir * kc);
        }
    }

    /// <summary>Packs rows i..i+mr (mr ≤ MR), columns k0..k0+kc of alpha·op(A) as one [k][MR] panel, zero-padded.</summary>
    private static void PackAPanel(float* a, int lda, bool transA, int i, int mr, int k0, int kc, float alpha, float* p)
    {
        int kk = 0;
        if (!transA && mr == MR && alpha == 1 && VectorPackA)
        {
            kk = PackA6.Pack(a + (long)i * lda + k0, lda, kc, p);
            p += kk * MR;
        }
        for (; kk < kc; kk++)
        {
            int r = 0;
            if (!transA)
            {
                float* src = a + (long)i * lda + k0 + kk;
                if (mr == MR && alpha == 1)
                {
                    p[0] = src[0];
                    p[1] = src[lda];
                    p[2] = src[2 * (long)lda];
                    p[3] = src[3 * (long)lda];
                    p[4] = src[4 * (long)lda];
                    p[5] = src[5 * (long)lda];
                    p += MR;
                    continue;
                }
                for (; r < mr; r++)
                {
                    p[r] = alpha * src[(long)r * lda];
                }
            }
            else
            {
                float* src = a + (long)(k0 + kk) * lda + i;
                for (; r < mr; r++)
                {
                    p[r] = alpha * src[r];
                }
            }
            for (; r < MR; r++)
            {
                p[r] = 0;
            }
            p += MR;
        }
    }
}
