using System.Diagnostics;
using Axon.Kernels.Cpu;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>
/// <c>--sgemm-shapes MxNxK,... [threads] [rounds] [variants]</c>: SGEMM against pre-packed B (how compiled MatMuls call
/// it) for a list of shapes, best-round median GFLOP/s. One thread is timed by the thread's CPU time (steady on a loaded
/// machine), more by wall time. <c>variants</c> (<c>kc=256,mc=240,pf=1;kc=192</c>) sets blocking knobs and alternates
/// them round by round in this one process, so a tuning comparison is side by side.
/// </summary>
internal static unsafe class QuickGemmShapes
{
    public static void Run(string shapes, int threads, int rounds, string variants)
    {
        double peak = FmaPeak.MeasureGflops();
        using var pool = new WorkerPool(threads);
        var vs = variants.Split(';');
        var defaults = (Sgemm.KC, Sgemm.MCMax, Sgemm.PrefetchB);
        bool defaultHuge = HugePages.Enabled;
        Console.WriteLine($"sgemm, pre-packed B, {threads} thread(s), tier {Sgemm.Tier}, FMA peak {peak:F1} GFLOP/s/core");
        foreach (var s in shapes.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var d = s.Split('x').Select(int.Parse).ToArray();
            int m = d[0], n = d[1], k = d[2];
            var aSrc = Data.Random(m * k, 1);
            var bSrc = Data.Random(k * n, 2);
            var bias = Data.Random(n, 3);
            var residual = Data.Random(m * n, 4);
            // Each variant owns its operands (A and C as tensor buffers, B packed), allocated under its own knobs
            // (hp=0 turns huge pages off for that variant's buffers).
            var packed = new PackedMatrix[vs.Length];
            var aBuf = new AlignedBuffer[vs.Length];
            var cBuf = new AlignedBuffer[vs.Length];
            for (int v = 0; v < vs.Length; v++)
            {
                Apply(vs[v], defaults);
                var pool1 = new BufferPool();
                aBuf[v] = pool1.Rent((long)m * k * sizeof(float));
                cBuf[v] = pool1.Rent((long)m * n * sizeof(float));
                aSrc.AsSpan().CopyTo(new Span<float>(aBuf[v].Pointer, m * k));
                packed[v] = PackedMatrix.PackB(bSrc, k, n);
            }
            HugePages.Enabled = defaultHuge;
            double g = 2.0 * m * n * k / 1e9;
            int iters = Math.Max(3, (int)(1.2e9 / (2.0 * m * n * k)));
            var best = Enumerable.Repeat(double.MaxValue, vs.Length).ToArray();
            var fastest = Enumerable.Repeat(double.MaxValue, vs.Length).ToArray();
            fixed (float* pbias = bias, pres = residual)
            {
                // ep=bias|gelu|res in a variant: the epilogues the transformer projections run (bias; bias+GELU; bias+residual).
                float* pb0 = pbias, pr0 = pres;
                GemmEpilogue Ep(string variant) => EpilogueOf(variant, pb0, pr0, n);
                for (int r = 0; r < rounds; r++)
                {
                    for (int v = 0; v < vs.Length; v++)
                    {
                        Apply(vs[v], defaults);
                        var ep = Ep(vs[v]);
                        float* pa = (float*)aBuf[v].Pointer, pc = (float*)cBuf[v].Pointer;
                        Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed[v], 0f, pc, n, ep, pool);
                        var t = new double[iters];
                        for (int i = 0; i < iters; i++)
                        {
                            double t0 = Now(threads);
                            Sgemm.Multiply(m, n, k, 1f, pa, k, false, packed[v], 0f, pc, n, ep, pool);
                            t[i] = Now(threads) - t0;
                        }
                        Array.Sort(t);
                        best[v] = Math.Min(best[v], t[iters / 2]);
                        fastest[v] = Math.Min(fastest[v], t[0]);
                    }
                }
            }
            for (int v = 0; v < vs.Length; v++)
            {
                double gf = g / best[v] * 1e3, gfMax = g / fastest[v] * 1e3;
                Console.WriteLine($"  {m,5}x{n,5}x{k,5} {vs[v],-20} {gf,6:F1} GFLOP/s  {gf / peak / threads,4:P0} of peak  ({best[v]:F3} ms)   fastest run {gfMax,6:F1} ({gfMax / peak / threads:P0})");
                packed[v].Dispose();
                aBuf[v].Dispose();
                cBuf[v].Dispose();
            }
        }
        (Sgemm.KC, Sgemm.MCMax, Sgemm.PrefetchB) = defaults;
    }

    private static GemmEpilogue EpilogueOf(string variant, float* bias, float* residual, int n) =>
        variant.Split(',').FirstOrDefault(x => x.StartsWith("ep=", StringComparison.Ordinal)) switch
        {
            "ep=bias" => new GemmEpilogue { BiasN = bias },
            "ep=gelu" => new GemmEpilogue { BiasN = bias, Activation = Activation.Gelu },
            "ep=res" => new GemmEpilogue { BiasN = bias, Residual = residual, ResidualStride = n },
            _ => default,
        };

    private static void Apply(string variant, (int Kc, int Mc, bool Pf) d)
    {
        (Sgemm.KC, Sgemm.MCMax, Sgemm.PrefetchB) = d;
        MicroKernel.PrefetchC = true;
        HugePages.Enabled = OperatingSystem.IsLinux();
        MicroKernel.Unroll4 = true;
        Sgemm.VectorPackA = true;
        Sgemm.SpreadPrefetchB = true;
        MicroKernel.TwoRowTail = true;
        foreach (var kv in variant.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = kv.Split('=');
            int v = p[0] == "ep" ? 0 : int.Parse(p[1]);
            switch (p[0])
            {
                case "kc": Sgemm.KC = v; break;
                case "mc": Sgemm.MCMax = v; break;
                case "pf": Sgemm.PrefetchB = v != 0; break;
                case "cpf": MicroKernel.PrefetchC = v != 0; break;
                case "u4": MicroKernel.Unroll4 = v != 0; break;
                case "ep": break;
                case "pfs": Sgemm.SpreadPrefetchB = v != 0; break;
                case "hp": HugePages.Enabled = v != 0; break;
                case "pa": Sgemm.VectorPackA = v != 0; break;
                case "tail": MicroKernel.TwoRowTail = v != 0; break;
                default: throw new ArgumentException($"unknown knob {p[0]} (kc, mc, pf, cpf, u4, pa, tail, hp, ep)");
            }
        }
    }

    private static double Now(int threads) => threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
}
