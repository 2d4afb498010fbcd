using Axon.Kernels.Threading;

namespace Axon.Kernels.Quant;

/// <summary>
/// INT8 GEMM: C[M,N] = (A[M,K] - za)·(B[K,N] - zb) in exact int32, then dequantized to FP32 with the float epilogue,
/// written as int32, or requantized to 8 bits (<see cref="QGemmOutput"/>). A is u8 (or s8, shifted to u8 while packed:
/// a + 128 with za + 128 gives the same differences); B is a <see cref="QuantizedMatrix"/> packed once. Blocking follows
/// SGEMM: each task owns an M×N output tile, packs its A rows into 4-row panels and runs the whole K loop in registers,
/// so results never depend on the thread count.
/// </summary>
public static unsafe class Qgemm
{
    internal const int MR = QMicroKernel.MR;
    internal const int NR = QMicroKernel.NR;

    /// <summary>Rows of A per task: a 128×K u8 block stays in L2 while 16-column B panels stream through L1.</summary>
    internal const int MC = 128;

    /// <summary>The tier the INT8 micro-kernel runs at in this process (tests assert it).</summary>
    public static string Tier => QMicroKernel.VnniPath ? "avxvnni" : QMicroKernel.Avx2Path ? "avx2" : "scalar";

    /// <summary>Runs the GEMM. <paramref name="c"/> points at float, int, byte or sbyte elements per <see cref="QGemmOutput.Kind"/>.</summary>
    public static void Multiply(int m, int n, int k, byte* a, int lda, bool aSigned, QuantizedMatrix b, void* c, int ldc,
        in QGemmOutput output, WorkerPool? pool = null)
    {
        if (b.K != k || b.N != n)
        {
            throw new ArgumentException($"packed INT8 B is {b.K}x{b.N}, the GEMM needs {k}x{n}");
        }
        if (m <= 0)
        {
            return;
        }
        pool ??= WorkerPool.Default;
        int mTiles = (m + MC - 1) / MC;
        // Each task packs its A rows again, so split N only as far as the threads need tasks (two per thread): one
        // thread over M = 1024 packs A once per row block instead of once per 256 columns. B streams one 16-column
        // panel at a time whatever the tile width, and every output element sees the same arithmetic, so results do
        // not depend on the split.
        int nTiles = Math.Min((n + NR - 1) / NR, Math.Max(1, (2 * pool.Threads + mTiles - 1) / mTiles));
        int nc = ((n + nTiles - 1) / nTiles + NR - 1) / NR * NR;
        nTiles = (n + nc - 1) / nc;
        bool bZero = false;
        foreach (int z in b.ZeroPoints)
        {
            bZero |= z != 0;
        }
        var body = new TileBody
        {
            M = m, N = n, K = k, A = a, Lda = lda, ASigned = aSigned, BPtr = b.Pointer, PanelBytes = b.PanelBytes, Split = b.Split,
            C = c, Ldc = ldc, Output = output, MTiles = mTiles, BZero = bZero, NC = nc,
        };
        fixed (int* colSums = b.ColumnSums, zeros = b.ZeroPoints)
        {
            body.ColSums = colSums;
            body.BZeros = zeros;
            pool.For(mTiles * nTiles, body);
        }
    }

    private struct TileBody : IParallelBody
    {
        public int M, N, K, Lda, Ldc, MTiles, NC;
        public long PanelBytes;
        public byte* A;
        public sbyte* BPtr;
        public void* C;
        public bool ASigned, Split, BZero;
        public int* ColSums, BZeros;
        public QGemmOutput Output;

        public readonly void Invoke(int tile)
        {
            int i0 = tile % MTiles * MC;
            int j0 = tile / MTiles * NC;
            int mc = Math.Min(MC, M - i0);
            int nc = Math.Min(NC, N - j0);
            int kp = (K + 3) & ~3;
            int quads = kp / 4;
            byte* apack = QScratch.Bytes((long)MC * kp + MC * sizeof(int));
            int* rowSums = (int*)(apack + (long)MC * kp);
            PackA(A, Lda, ASigned, i0, mc, K, kp, apack, BZero ? rowSums : null);
            int* acc = stackalloc int[MR * NR];
            var writer = new QTileWriter(Output, K, C, Ldc, ColSums, BZeros, BZero, ASigned);
            for (int jr = 0; jr < nc; jr += NR)
            {
                int nr = Math.Min(NR, nc - jr);
                sbyte* bp = BPtr + (j0 + jr) / NR * PanelBytes;
                for (int ir = 0; ir < mc; ir += MR)
                {
                    int mr = Math.Min(MR, mc - ir);
                    QMicroKernel.Tile(quads, apack + (long)ir * kp, bp, Split, acc);
                    writer.Write(acc, i0 + ir, j0 + jr, mr, nr, BZero ? rowSums + ir : null);
                }
            }
        }
    }

    /// <summary>
    /// Packs rows i0..i0+mc of A into [panel][K/4][4 rows][4 bytes], zero-padded in K and rows; s8 input is shifted to u8.
    /// Row sums (of the u8 values) are needed only when B has zero points.
    /// </summary>
    internal static void PackA(byte* a, int lda, bool signed, int i0, int mc, int k, int kp, byte* dst, int* rowSums)
    {
        uint flip = signed ? 0x80808080u : 0u;
        for (int ir = 0; ir < mc; ir += MR)
        {
            int mr = Math.Min(MR, mc - ir);
            byte* p = dst + (long)ir * kp;
            for (int r = 0; r < MR; r++)
            {
                uint* d = (uint*)(p + r * 4);
                if (r >= mr)
                {
                    for (int q = 0; q < kp; q += 4)
                    {
                        d[q] = 0;
                    }
                    continue;
                }
                byte* src = a + (long)(i0 + ir + r) * lda;
                int q4 = 0;
                for (; q4 + 4 <= k; q4 += 4)
                {
                    // d advances MR·4 bytes per group: index q4 (in uints) = q4/4 groups × MR uints.
                    d[q4] = *(uint*)(src + q4) ^ flip;
                }
                if (q4 < k)
                {
                    uint v = 0;
                    for (int t = 0; q4 + t < k; t++)
                    {
                        v |= (uint)(byte)(src[q4 + t] ^ (byte)flip) << (8 * t);
                    }
                    d[q4] = v;
                }
                if (rowSums is not null)
                {
                    int s = 0;
                    for (int kk = 0; kk < k; kk++)
                    {
                        s += (byte)(src[kk] ^ (byte)flip);
                    }
                    rowSums[ir + r] = s;
                }
            }
        }
    }
}

/// <summary>Per-thread scratch for packed A blocks (its own buffers, so it never shares a slot with the FP32 kernels).</summary>
internal static unsafe class QScratch
{
    [ThreadStatic]
    private static AlignedBuffer? _buffer;

    public static byte* Bytes(long count)
    {
        var b = _buffer;
        if (b is null || b.Capacity < count)
        {
            b?.Dispose();
            _buffer = b = BufferPool.Shared.Rent(Math.Max(64, count));
        }
        return (byte*)b.Pointer;
    }
}
