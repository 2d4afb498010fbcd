using System.Runtime.CompilerServices;
using Axon.Kernels.Cpu;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Gemm;

/// <summary>
/// Single-precision GEMM, <c>C = alpha·op(A)·op(B) + beta·C</c> followed by a fused epilogue, after the Goto/BLIS
/// scheme: B is packed into KC×16 column panels (once, ahead of time, for weights), A into KC×6 row panels per block,
/// and a 6×16 register-blocked micro-kernel accumulates in twelve vector registers. Work is split into output tiles
/// handed to the worker pool; each tile runs the whole K loop, so results do not depend on the thread count.
/// </summary>
public static unsafe partial class Sgemm
{
    internal const int MR = MicroKernel.MR;
    internal const int NR = MicroKernel.NR;

    /// <summary>K block: a 16-wide B panel of KC rows (16 KiB) stays in L1 while the A block streams from L2.</summary>
    internal static int KC { get; } = 256;

    /// <summary>M block, a multiple of <see cref="MR"/> sized so an MC×KC A block fits in about half of L2.</summary>
    internal static int MC { get; } = Math.Max(MR, Math.Min(144, CpuFeatures.L2Bytes / 2 / (256 * sizeof(float)) / MR * MR));

    /// <summary>N block per task, a multiple of <see cref="NR"/>.</summary>
    internal static int NC { get; } = 256;

    /// <summary>The tier the micro-kernel runs at in this process (tests assert it).</summary>
    public static KernelTier Tier => MicroKernel.Avx2Path ? KernelTier.Avx2 : KernelTier.Scalar;

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
        int mTiles = (m + MC - 1) / MC;
        int nTiles = (n + NC - 1) / NC;
        var body = new TileBody
        {
            M = m, N = n, K = k, Alpha = alpha, A = a, Lda = lda, TransA = transA, B = b.Pointer, Beta = beta, C = c, Ldc = ldc,
            Epilogue = epilogue, MTiles = mTiles,
        };
        (pool ?? WorkerPool.Default).For(mTiles * nTiles, body);
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
        public int M, N, K, Lda, Ldc, MTiles;
        public float Alpha, Beta;
        public float* A, B, C;
        public bool TransA;
        public GemmEpilogue Epilogue;

        public readonly void Invoke(int tile)
        {
            int mt = tile % MTiles;
            int nt = tile / MTiles;
            int i0 = mt * MC;
            int j0 = nt * NC;
            int mc = Math.Min(MC, M - i0);
            int nc = Math.Min(NC, N - j0);
            float* apack = ThreadScratch.Floats(ThreadScratch.GemmPackA, (long)MC * KC);
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
            for (int k0 = 0; k0 < K; k0 += KC)
            {
                int kc = Math.Min(KC, K - k0);
                PackA(A, Lda, TransA, i0, mc, k0, kc, Alpha, apack);
                bool last = k0 + kc >= K;
                bool accumulate = k0 > 0 || Beta != 0;
                // B is packed as [kBlock][nPanel][kc][16]; locate this K block's panels.
                float* bBlock = B + (long)k0 * kPanels * NR;
                for (int jr = 0; jr < nc; jr += NR)
                {
                    int nr = Math.Min(NR, nc - jr);
                    float* bp = bBlock + (long)((j0 + jr) / NR) * kc * NR;
                    for (int ir = 0; ir < mc; ir += MR)
                    {
                        int mr = Math.Min(MR, mc - ir);
                        float* cp = C + (long)(i0 + ir) * Ldc + j0 + jr;
                        MicroKernel.Tile(kc, apack + ir * kc, bp, NR, cp, Ldc, mr, nr, accumulate);
                        if (last && !Epilogue.IsIdentity)
                        {
                            for (int r = 0; r < mr; r++)
                            {
                                EpilogueOps.ApplyRow(cp + (long)r * Ldc, i0 + ir + r, j0 + jr, nr, Epilogue);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs rows i0..i0+mc, columns k0..k0+kc of alpha·op(A) into MR-row panels laid out [panel][k][MR], zero-padded.</summary>
    private static void PackA(float* a, int lda, bool transA, int i0, int mc, int k0, int kc, float alpha, float* dst)
    {
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            float* p = dst + ir * kc;
            for (int kk = 0; kk < kc; kk++)
            {
                int r = 0;
                if (!transA)
                {
                    float* src = a + (long)(i0 + ir) * lda + k0 + kk;
                    for (; r < mr; r++)
                    {
                        p[r] = alpha * src[(long)r * lda];
                    }
                }
                else
                {
                    float* src = a + (long)(k0 + kk) * lda + i0 + ir;
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
}
