using System.Diagnostics;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>ResNet-50's convolutions in NCHW (Conv2d) and NCHW16c (NchwcConv), alternating, best of rounds per layer.</summary>
internal static class QuickNchwc
{
    public static void Run((ConvGeometry G, int Count)[] layers, int threads, WorkerPool pool)
    {
        double tPlain = 0, tBlocked = 0, totalFlop = 0;
        foreach (var (g, count) in layers)
        {
            var x = Data.Random((int)Math.Max(g.InputElements, Nchwc.Elements(g.N, g.C, g.H, g.W)), 1);
            var y = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            var bias = Data.Random(g.K, 3);
            var raw = Data.Random(g.K * g.Cg * g.KernelH * g.KernelW, 2);
            using var w = ConvWeights.Pack(raw, g);
            var wb = NchwcConvWeights.Pack(raw, bias, g, plainInput: g.C < 8);
            double flop = g.Flops;
            int iters = Math.Max(3, (int)(4e8 / flop));
            double bestPlain = double.MaxValue, bestBlocked = double.MaxValue;
            for (int i = 0; i < iters + 1; i++)
            {
                double s = Now(threads);
                Conv2d.Run(x, w, y, bias, activation: Activation.Relu, pool: pool);
                double m = Now(threads) - s;
                s = Now(threads);
                NchwcConv.Run(x, wb, y, default, Activation.Relu, pool: pool);
                double mb = Now(threads) - s;
                if (i > 0)
                {
                    bestPlain = Math.Min(bestPlain, m);
                    bestBlocked = Math.Min(bestBlocked, mb);
                }
            }
            tPlain += bestPlain * count;
            tBlocked += bestBlocked * count;
            totalFlop += flop * count;
            Console.WriteLine($"{g.C,5}->{g.K,-5} {g.KernelH}x{g.KernelW}/{g.StrideH} {g.H,3}x{g.W,-3} x{count}  nchw {flop / bestPlain / 1e6,6:F1}  nchw16c {flop / bestBlocked / 1e6,6:F1} GFLOP/s  ({bestBlocked * count:F2} ms total)");
        }
        Console.WriteLine($"all convolutions: nchw {tPlain:F1} ms ({totalFlop / tPlain / 1e6:F1} GFLOP/s), nchw16c {tBlocked:F1} ms ({totalFlop / tBlocked / 1e6:F1} GFLOP/s); {threads} thread(s), one thread: thread CPU time");
    }

    private static double Now(int threads) => threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
}
