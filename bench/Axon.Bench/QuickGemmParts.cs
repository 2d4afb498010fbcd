using System.Runtime.InteropServices;
using Axon.Kernels.Gemm;

namespace Axon.Bench;

/// <summary>
/// <c>--sgemm-parts N [rounds]</c>: where one-thread SGEMM time goes at N³. Replays the driver's loop nest (K blocks,
/// M blocks, 16-column panels, 6-row tiles, the same micro-kernel and A packer) with one operand at a time pinned in L1
/// (B: one panel; C: one tile; A: one micro-panel) or the packing left out, alternating the variants round by round
/// in one process. The gap between "all" and a pinned variant is what that operand's memory traffic costs; the last
/// variant repeats "all" with the operands on 4 KiB pages instead of 2 MiB ones.
/// </summary>
internal static unsafe class QuickGemmParts
{
    public static void Run(int n, int rounds)
    {
        int m = n / 6 * 6, k = n;
        int kc = Sgemm.BlockK(k);
        int mcMax = Sgemm.MCMax;
        int mBlocks = (m + mcMax - 1) / mcMax;
        int mc = ((m + mBlocks - 1) / mBlocks + 5) / 6 * 6;
        // Operands on 2 MiB pages, as AlignedBuffer gives tensors of 4 MiB and more; the last variant repeats "all" on 4 KiB pages.
        float* a = Alloc((long)m * k, 1, true);
        float* bp = Alloc((long)k * n, 2, true);
        float* c = Alloc((long)m * n, 0, true);
        float* ap = Alloc((long)mc * kc + 64, 0);
        float* aS = Alloc((long)m * k, 1), bS = Alloc((long)k * n, 2), cS = Alloc((long)m * n, 0);
        string[] names = ["all", "B in L1", "C in L1", "A in L1", "no A pack", "pack only", "all in L1", "all, 4K pages"];
        var best = Enumerable.Repeat(double.MaxValue, names.Length).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int v = 0; v < names.Length; v++)
            {
                var t = new double[3];
                for (int i = 0; i < t.Length + 1; i++)
                {
                    double t0 = ThreadClock.NowMs();
                    if (v == 7)
                    {
                        Loop(0, m, n, k, kc, mc, aS, bS, cS, ap);
                    }
                    else
                    {
                        Loop(v, m, n, k, kc, mc, a, bp, c, ap);
                    }
                    if (i > 0)
                    {
                        t[i - 1] = ThreadClock.NowMs() - t0;
                    }
                }
                Array.Sort(t);
                best[v] = Math.Min(best[v], t[0]);
            }
        }
        double g = 2.0 * m * n * k / 1e9;
        Console.WriteLine($"sgemm parts {m}x{n}x{k}, kc {kc}, mc {mc}, one thread (thread CPU time)");
        for (int v = 0; v < names.Length; v++)
        {
            Console.WriteLine($"  {names[v],-10} {best[v],8:F3} ms  {g / best[v] * 1e3,6:F1} GFLOP/s  {best[v] / best[0],5:P0} of all");
        }
    }

    private static void Loop(int v, int m, int n, int k, int kc, int mc, float* a, float* b, float* c, float* ap)
    {
        int panels = n / 16;
        for (int k0 = 0; k0 < k; k0 += kc)
        {
            int kb = Math.Min(kc, k - k0);
            for (int i0 = 0; i0 < m; i0 += mc)
            {
                int mb = Math.Min(mc, m - i0);
                if (v != 4 && v != 6)
                {
                    for (int ir = 0; ir < mb; ir += 6)
                    {
                        int done = PackA6.Pack(a + (long)(i0 + ir) * k + k0, k, kb, ap + ir * kb);
                        for (int kk = done; kk < kb; kk++)
                        {
                            for (int q = 0; q < 6; q++)
                            {
                                ap[ir * kb + kk * 6 + q] = a[(long)(i0 + ir + q) * k + k0 + kk];
                            }
                        }
                    }
                }
                if (v == 5)
                {
                    continue;
                }
                float* bBlock = b + (long)k0 * panels * 16;
                for (int jr = 0; jr < panels; jr++)
                {
                    float* bpan = v is 1 or 6 ? bBlock : bBlock + (long)jr * kb * 16;
                    float* bNext = jr + 1 < panels && v is not (1 or 6) ? bpan + kb * 16 : bpan;
                    for (int ir = 0; ir < mb; ir += 6)
                    {
                        float* at = v is 3 or 6 ? ap : ap + ir * kb;
                        float* ct = v is 2 or 6 ? c : c + (long)(i0 + ir) * n + jr * 16;
                        int ldc = v is 2 or 6 ? 16 : n;
                        MicroKernel.Tile(kb, at, bpan, 16, ct, ldc, 6, 16, k0 > 0, ir + 6 >= mb ? bNext : bpan);
                    }
                }
            }
        }
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(void* addr, nuint length, int advice);

    private static float* Alloc(long count, int seed, bool huge = false)
    {
        nuint bytes = (nuint)((count * sizeof(float) + (2 << 20) - 1) / (2 << 20) * (2 << 20));
        float* p = (float*)NativeMemory.AlignedAlloc(bytes, huge ? 2u << 20 : 64);
        if (huge && Madvise(p, bytes, 14) != 0)
        {
            Console.WriteLine("madvise failed");
        }
        var rng = new Random(seed);
        for (long i = 0; i < count; i++)
        {
            p[i] = seed == 0 ? 0 : (float)rng.NextDouble();
        }
        return p;
    }
}
