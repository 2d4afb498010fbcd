using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Conv;

/// <summary>
/// Implicit-GEMM convolution: per group, Y[Kg, OH·OW] = W[Kg, Cg·KH·KW] · cols[Cg·KH·KW, OH·OW], where each 16-pixel
/// column panel of one depth block is gathered from the input straight into a per-thread L1-sized buffer just before
/// the micro-kernel sweeps every output-channel panel over it; no im2col matrix ever exists. Pointwise (1×1, stride 1,
/// unpadded) convolutions read full panels from the input planes in place. Tasks are (image, group, channel block,
/// pixel tile); each runs the whole depth loop in a fixed order, so results do not depend on the thread count.
/// </summary>
internal static unsafe partial class ConvGemm
{
    internal const int MR = MicroKernel.MR;
    internal const int NR = MicroKernel.NR;
    internal const int MaxDepthBlock = 256;

    /// <summary>Output channels per task, a multiple of MR: an MC×KC weight block (192 KiB) stays in L2 while each gathered panel is reused by all of them.</summary>
    private const int MC = 192;

    /// <summary>Pixels per task, a multiple of NR.</summary>
    private const int PixelTile = 128;

    internal static bool Avx2Path => MicroKernel.Avx2Path;

    /// <summary>Pointwise full panels read the input planes in place (false: pack them like any other panel; for measuring).</summary>
    internal static bool PointwiseInPlace = true;

    public static void Run(ConvGeometry g, float* x, ConvWeights w, float* y, in GemmEpilogue ep, WorkerPool pool)
    {
        int p = g.OutH * g.OutW;
        int mBlocks = (g.Kg + MC - 1) / MC;
        int pTiles = (p + PixelTile - 1) / PixelTile;
        // Few tasks (deep layers on small images at batch 1): split the channels further until every thread gets an
        // equal share, as long as a block keeps a few micro-tiles.
        int others = g.N * g.Group * pTiles;
        while (pool.Threads > 1 && others * mBlocks % pool.Threads != 0 && others * mBlocks < 4 * pool.Threads
            && g.Kg / (mBlocks + 1) >= 4 * MR)
        {
            mBlocks++;
        }
        // Balanced channel blocks (128 channels: 66 + 62, not 96 + 32) so tasks cost about the same.
        int mcBlock = ((g.Kg + mBlocks - 1) / mBlocks + MR - 1) / MR * MR;
        mBlocks = (g.Kg + mcBlock - 1) / mcBlock;
        var body = new Body
        {
            G = g, X = x, Y = y, A = w.Pointer, GroupStride = w.GroupStride, DepthBlock = w.DepthBlock, Panels = w.Panels,
            Ep = ep, MBlocks = mBlocks, MCBlock = mcBlock, PTiles = pTiles, P = p,
            InPlace = g.IsPointwise && PointwiseInPlace && InPlaceFriendly(p, w.DepthBlock),
        };
        pool.For(g.N * g.Group * mBlocks * pTiles, body);
    }

    /// <summary>
    /// Whether a panel read in place stays cached: its kc rows are one plane apart, and a plane stride that is a multiple
    /// of a large power of two maps them all to a few L1 sets (measured: 64×64 planes ran 30% slower in place than
    /// packed, while 56×56, 28×28 and 14×14 ran 1.4-3.5× faster in place).
    /// </summary>
    private static bool InPlaceFriendly(int p, int kc)
    {
        long bytes = (long)p * sizeof(float);
        if (bytes % 64 != 0)
        {
            return true;
        }
        int lineStep = (int)(bytes / 64 % 64);
        // 64 sets of 64-byte lines: rows visit 64 / gcd(lineStep, 64) distinct sets (the gcd is a power of two here).
        int sets = lineStep == 0 ? 1 : 64 / (lineStep & -lineStep);
        return sets * 8 >= kc / 4;
    }

    private struct Body : IParallelBody
    {
        public ConvGeometry G;
        public float* X, Y, A;
        public long GroupStride;
        public int DepthBlock, Panels, MBlocks, MCBlock, PTiles, P;
        public GemmEpilogue Ep;
        public bool InPlace;

        public readonly void Invoke(int task)
        {
            var g = G;
            int pt = task % PTiles;
            int rest = task / PTiles;
            int mb = rest % MBlocks;
            rest /= MBlocks;
            int grp = rest % g.Group;
            int n = rest / g.Group;
            int kg = g.Kg;
            int depth = g.ColumnRows;
            float* xg = X + ((long)n * g.C + (long)grp * g.Cg) * g.H * g.W;
            float* yg = Y + ((long)n * g.K + (long)grp * kg) * P;
            float* ag = A + grp * GroupStride;
            int m0 = mb * MCBlock;
            int mc = Math.Min(MCBlock, kg - m0);
            int p0 = pt * PixelTile;
            int pc = Math.Min(PixelTile, P - p0);
            var ep = Ep;
            if (ep.BiasM is not null)
            {
                ep.BiasM += grp * kg;
            }
            if (ep.Residual is not null)
            {
                ep.Residual += ((long)n * g.K + (long)grp * kg) * P;
                ep.ResidualStride = P;
            }
            float* buf = ThreadScratch.Floats(ThreadScratch.ConvColumns, (long)MaxDepthBlock * NR);
            bool pointwise = InPlace;
            for (int k0 = 0; k0 < depth; k0 += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, depth - k0);
                bool last = k0 + kc >= depth;
                float* aBlock = ag + (long)k0 * Panels * MR;
                for (int jr = 0; jr < pc; jr += NR)
                {
                    int nr = Math.Min(NR, pc - jr);
                    float* b;
                    int ldb;
                    if (pointwise && nr == NR)
                    {
                        b = xg + (long)k0 * P + p0 + jr;
                        ldb = P;
                    }
                    else
                    {
                        PackPanel(g, xg, k0, kc, p0 + jr, nr, buf);
                        b = buf;
                        ldb = NR;
                    }
                    for (int ir = 0; ir < mc; ir += MR)
                    {
                        int mr = Math.Min(MR, mc - ir);
                        float* a = aBlock + (long)((m0 + ir) / MR) * kc * MR;
                        float* c = yg + (long)(m0 + ir) * P + p0 + jr;
                        MicroKernel.Tile(kc, a, b, ldb, c, P, mr, nr, k0 > 0);
                        if (last && !ep.IsIdentity)
                        {
                            for (int r = 0; r < mr; r++)
                            {
                                EpilogueOps.ApplyRow(c + (long)r * P, m0 + ir + r, p0 + jr, nr, ep);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Gathers column rows k0..k0+kc (each a (channel, kernel row, kernel column) triple) for output pixels
    /// pStart..pStart+nr into dst laid out [kc][16], zero where the window falls in the padding or past nr. The pixels
    /// are split into runs within one output row, so a stride-1 run is one contiguous copy of the input row.
    /// </summary>
    private static void PackPanel(ConvGeometry g, float* xg, int k0, int kc, int pStart, int nr, float* dst)
    {
        int ow = g.OutW;
        int* segOh = stackalloc int[NR];
        int* segOw = stackalloc int[NR];
        int* segLen = stackalloc int[NR];
        int* segOff = stackalloc int[NR];
        int segs = 0;
        for (int j = 0; j < nr;)
        {
            int p = pStart + j;
            int oh = p / ow;
            int o = p - oh * ow;
            int len = Math.Min(nr - j, ow - o);
            segOh[segs] = oh;
            segOw[segs] = o;
            segLen[segs] = len;
            segOff[segs] = j;
            segs++;
            j += len;
        }
        int kh = g.KernelH, kw = g.KernelW, h = g.H, w = g.W, sw = g.StrideW, dw = g.DilationW;
        int taps = kh * kw;
        int c = k0 / taps;
        int t = k0 - c * taps;
        int r = t / kw;
        int s = t - r * kw;
        var idx = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * sw;
        // One (channel, kernel row) at a time: the input row and its padding check are shared by its kernel columns.
        for (int kk = 0; kk < kc;)
        {
            int sEnd = Math.Min(kw, s + kc - kk);
            int rows = sEnd - s;
            float* plane = xg + (long)c * h * w;
            for (int q = 0; q < segs; q++)
            {
                float* d = dst + kk * NR + segOff[q];
                int len = segLen[q];
                int ih = segOh[q] * g.StrideH - g.PadTop + r * g.DilationH;
                if ((uint)ih >= (uint)h)
                {
                    for (int i = 0; i < rows; i++)
                    {
                        Zero(d + i * NR, len);
                    }
                    continue;
                }
                float* src = plane + (long)ih * w;
                int iwBase = segOw[q] * sw - g.PadLeft;
                for (int ss = s; ss < sEnd; ss++, d += NR)
                {
                    int iw0 = iwBase + ss * dw;
                    if (iw0 >= 0 && iw0 + (len - 1) * sw < w)
                    {
                        if (sw == 1)
                        {
                            Copy(d, src + iw0, len);
                        }
                        else if (len >= 8 && Avx2Path)
                        {
                            StridedLoad.Load(src + iw0, sw, idx).Store(d);
                            StridedLoad.Load(src + iw0 + (len - 8) * sw, sw, idx).Store(d + len - 8);
                        }
                        else
                        {
                            Strided(d, src + iw0, sw, 0, len);
                        }
                        continue;
                    }
                    // Valid j: 0 <= iw0 + j*sw < w.
                    int lo = iw0 >= 0 ? 0 : Math.Min(len, (-iw0 + sw - 1) / sw);
                    int hi = iw0 >= w ? 0 : Math.Min(len, (w - 1 - iw0) / sw + 1);
                    if (hi <= lo)
                    {
                        Zero(d, len);
                        continue;
                    }
                    Zero(d, lo);
                    Strided(d, src + iw0, sw, lo, hi);
                    Zero(d + hi, len - hi);
                }
            }
            if (nr < NR)
            {
                for (int i = 0; i < rows; i++)
                {
                    Zero(dst + (kk + i) * NR + nr, NR - nr);
                }
            }
            kk += rows;
            s = 0;
            if (++r == kh)
            {
                r = 0;
                c++;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Strided(float* d, float* src, int sw, int lo, int hi)
    {
        float* sp = src + (long)lo * sw;
        for (int j = lo; j < hi; j++, sp += sw)
        {
            d[j] = *sp;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zero(float* d, int n)
    {
        for (int j = 0; j < n; j++)
        {
            d[j] = 0;
        }
    }

    /// <summary>Copies up to 16 floats; 8..16 as two possibly overlapping vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(float* d, float* s, int n)
    {
        if (n >= 8 && Avx2Path)
        {
            Vector256.Load(s).Store(d);
            Vector256.Load(s + n - 8).Store(d + n - 8);
            return;
        }
        for (int j = 0; j < n; j++)
        {
            d[j] = s[j];
        }
    }
}
