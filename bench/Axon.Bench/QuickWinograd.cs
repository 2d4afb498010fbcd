using System.Diagnostics;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>
/// ResNet-50's 3×3 stride-1 convolutions in NCHW16c: the direct kernel, Winograd F(4×4, 3×3) and F(2×2, 3×3),
/// alternating per iteration in one process (the order rotated each iteration), best time per layer (one thread: thread CPU time, more: wall time).
/// GFLOP/s are the direct convolution's FLOPs over the time, so the columns compare like for like; "chosen" is the
/// variant the compiler would pick (0: direct).
/// </summary>
internal static class QuickWinograd
{
    public static void Run(int threads, int batch)
    {
        using var pool = new WorkerPool(threads);
        // Tuning knobs: AXON_BENCH_WAVE (bytes of V and M per wave), AXON_BENCH_MIN_WAVE (fewest tiles per wave).
        if (long.TryParse(Environment.GetEnvironmentVariable("AXON_BENCH_WAVE"), out long wave))
        {
            WinogradConv.WaveBytes = wave;
        }
        if (int.TryParse(Environment.GetEnvironmentVariable("AXON_BENCH_MIN_WAVE"), out int minWave))
        {
            WinogradConv.MinWaveTiles = minWave;
        }
        (ConvGeometry G, int Count)[] layers =
        [
            (new ConvGeometry(batch, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1), 5),
            (new ConvGeometry(batch, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1), 2),
        ];
        var total = new double[3];
        double chosenTotal = 0;
        foreach (var (g, count) in layers)
        {
            var x = Data.Random((int)Nchwc.Elements(g.N, g.C, g.H, g.W), 1);
            var y = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            var bias = Data.Random(g.K, 3);
            var raw = Data.Random(g.K * g.C * 9, 2);
            var direct = NchwcConvWeights.Pack(raw, bias, g, plainInput: false);
            using var f4 = WinogradWeights.Pack(raw, bias, g, 4);
            using var f2 = WinogradWeights.Pack(raw, bias, g, 2);
            double flop = g.Flops;
            int iters = Math.Max(5, (int)(8e8 / flop));
            var best = new[] { double.MaxValue, double.MaxValue, double.MaxValue };
            for (int i = 0; i < iters + 1; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    int v = (i + j) % 3; // rotated each iteration: no variant always runs on the caches its predecessor left
                    double s = Now(threads);
                    if (v == 0)
                    {
                        NchwcConv.Run(x, direct, y, default, Activation.Relu, pool: pool);
                    }
                    else
                    {
                        WinogradConv.Run(x, v == 1 ? f4 : f2, y, default, Activation.Relu, pool: pool);
                    }
                    double ms = Now(threads) - s;
                    if (i > 0)
                    {
                        best[v] = Math.Min(best[v], ms);
                    }
                }
            }
            int chosen = WinogradConv.Choose(g);
            for (int v = 0; v < 3; v++)
            {
                total[v] += best[v] * count;
            }
            chosenTotal += best[chosen == 4 ? 1 : chosen == 2 ? 2 : 0] * count;
            Console.WriteLine($"{g.C,5}->{g.K,-5} 3x3/1 {g.H,3}x{g.W,-3} x{count}  direct {best[0],7:F3} ms ({flop / best[0] / 1e6,6:F1})  " +
                $"F(4,3) {best[1],7:F3} ms ({flop / best[1] / 1e6,6:F1})  F(2,3) {best[2],7:F3} ms ({flop / best[2] / 1e6,6:F1} GFLOP/s eq.)  chosen {chosen}");
        }
        Console.WriteLine($"all 3x3/1 layers: direct {total[0]:F1} ms, F(4,3) {total[1]:F1} ms, F(2,3) {total[2]:F1} ms, as chosen {chosenTotal:F1} ms " +
            $"({chosenTotal / total[0]:F2} of direct); {threads} thread(s), batch {batch}");
    }

    private static double Now(int threads) => threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
}
