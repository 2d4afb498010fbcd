using System.Diagnostics;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>
/// ResNet-50's 3×3 stride-1 convolutions (and a few other 3×3 shapes) in NCHW16c: the direct kernel and Winograd
/// F(4×4, 3×3), alternating per iteration in one process, best time per layer (one thread: thread CPU time). A third column runs
/// Winograd again under another wave setting (environment ALT_WAVE bytes, ALT_MIN tiles; default one wave per layer). GFLOP/s
/// are the direct convolution's FLOPs over the time, so the two columns compare like for like.
/// </summary>
internal static class QuickWinograd
{
    public static void Run(int threads, int batch)
    {
        using var pool = new WorkerPool(threads);
        (ConvGeometry G, int Count)[] layers =
        [
            (new ConvGeometry(batch, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1), 5),
            (new ConvGeometry(batch, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1), 2),
        ];
        double tDirect = 0, tWino = 0;
        foreach (var (g, count) in layers)
        {
            var x = Data.Random((int)Nchwc.Elements(g.N, g.C, g.H, g.W), 1);
            var y = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            var bias = Data.Random(g.K, 3);
            var raw = Data.Random(g.K * g.C * 9, 2);
            var direct = NchwcConvWeights.Pack(raw, bias, g, plainInput: false);
            using var wino = WinogradWeights.Pack(raw, bias, g);
            double flop = g.Flops;
            int iters = Math.Max(5, (int)(8e8 / flop));
            double bestD = double.MaxValue, bestW = double.MaxValue, best2 = double.MaxValue;
            for (int i = 0; i < iters + 1; i++)
            {
                double s = Now(threads);
                NchwcConv.Run(x, direct, y, default, Activation.Relu, pool: pool);
                double md = Now(threads) - s;
                s = Now(threads);
                WinogradConv.Run(x, wino, y, default, Activation.Relu, pool: pool);
                double mw = Now(threads) - s;
                long keep = WinogradConv.WaveBytes;
                int keepMin = WinogradConv.MinWaveTiles;
                WinogradConv.WaveBytes = AltWave;
                WinogradConv.MinWaveTiles = AltMin;
                s = Now(threads);
                WinogradConv.Run(x, wino, y, default, Activation.Relu, pool: pool);
                double m2 = Now(threads) - s;
                WinogradConv.WaveBytes = keep;
                WinogradConv.MinWaveTiles = keepMin;
                if (i > 0)
                {
                    bestD = Math.Min(bestD, md);
                    bestW = Math.Min(bestW, mw);
                    best2 = Math.Min(best2, m2);
                }
            }
            tDirect += bestD * count;
            tWino += bestW * count;
            Console.WriteLine($"{g.C,5}->{g.K,-5} 3x3/1 {g.H,3}x{g.W,-3} x{count}  direct {bestD,7:F3} ms ({flop / bestD / 1e6,6:F1})  winograd {bestW,7:F3} ms ({flop / bestW / 1e6,6:F1} GFLOP/s eq.)  time ratio {bestW / bestD:F2}  alt-wave {best2:F3} ms  suits {WinogradConv.Suits(g)}");
        }
        Console.WriteLine($"all 3x3/1 layers: direct {tDirect:F1} ms, winograd {tWino:F1} ms (ratio {tWino / tDirect:F2}); {threads} thread(s), batch {batch}");
    }

    private static readonly long AltWave = long.TryParse(Environment.GetEnvironmentVariable("ALT_WAVE"), out long v) ? v : long.MaxValue / 4;

    private static readonly int AltMin = int.TryParse(Environment.GetEnvironmentVariable("ALT_MIN"), out int v) ? v : WinogradConv.MinWaveTiles;

    private static double Now(int threads) => threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
}
