using System.Diagnostics;
using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>Every distinct ResNet-50 convolution at batch 1: GFLOP/s per layer and the share of the total (for tuning).</summary>
internal static class QuickConv
{
    public static void Run(int threads, int batch) => Run(threads, batch, false, null, null);

    /// <summary>With <paramref name="nchwc"/>, each layer runs the plain NCHW kernel and the NCHW16c kernel alternately.</summary>
    /// <summary>With <paramref name="ab"/>, each layer runs NCHW16c under two tunings alternately (layers whose
    /// description contains <paramref name="filter"/>, e.g. "7x7 " or "3x3").</summary>
    public static void Run(int threads, int batch, bool nchwc, (string A, string B)? ab, string? filter)
    {
        using var pool = new WorkerPool(threads);
        if (Environment.GetEnvironmentVariable("AXON_POINTWISE_PACKED") == "1")
        {
            ConvGemm.PointwiseInPlace = false;
        }
        if (Environment.GetEnvironmentVariable("AXON_POINTWISE_GEMM") == "0")
        {
            ConvPointwise.Enabled = false;
        }
        (ConvGeometry G, int Count)[] layers =
        [
            (new ConvGeometry(batch, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 3, 3), 1),
            (new ConvGeometry(batch, 64, 56, 56, 64, 1, 1), 1),
            (new ConvGeometry(batch, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 64, 56, 56, 256, 1, 1), 4),
            (new ConvGeometry(batch, 256, 56, 56, 64, 1, 1), 2),
            (new ConvGeometry(batch, 256, 56, 56, 128, 1, 1), 1),
            (new ConvGeometry(batch, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1), 1),
            (new ConvGeometry(batch, 128, 28, 28, 512, 1, 1), 4),
            (new ConvGeometry(batch, 256, 56, 56, 512, 1, 1, 2, 2), 1),
            (new ConvGeometry(batch, 512, 28, 28, 128, 1, 1), 3),
            (new ConvGeometry(batch, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1), 3),
            (new ConvGeometry(batch, 512, 28, 28, 256, 1, 1), 1),
            (new ConvGeometry(batch, 256, 28, 28, 256, 3, 3, 2, 2, 1, 1, 1, 1), 1),
            (new ConvGeometry(batch, 256, 14, 14, 1024, 1, 1), 6),
            (new ConvGeometry(batch, 512, 28, 28, 1024, 1, 1, 2, 2), 1),
            (new ConvGeometry(batch, 1024, 14, 14, 256, 1, 1), 5),
            (new ConvGeometry(batch, 256, 14, 14, 256, 3, 3, 1, 1, 1, 1, 1, 1), 5),
            (new ConvGeometry(batch, 1024, 14, 14, 512, 1, 1), 1),
            (new ConvGeometry(batch, 512, 14, 14, 512, 3, 3, 2, 2, 1, 1, 1, 1), 1),
            (new ConvGeometry(batch, 512, 7, 7, 2048, 1, 1), 3),
            (new ConvGeometry(batch, 1024, 14, 14, 2048, 1, 1, 2, 2), 1),
            (new ConvGeometry(batch, 2048, 7, 7, 512, 1, 1), 2),
            (new ConvGeometry(batch, 512, 7, 7, 512, 3, 3, 1, 1, 1, 1, 1, 1), 2),
        ];
        if (filter == "alias")
        {
            // Probe: 56×56 planes are 49 × 4 KiB apart (every input block's pixel p in the same L1 set); 56×57 are not.
            layers =
            [
                (new ConvGeometry(batch, 64, 56, 56, 256, 1, 1), 1), (new ConvGeometry(batch, 64, 56, 57, 256, 1, 1), 1),
                (new ConvGeometry(batch, 256, 56, 56, 64, 1, 1), 1), (new ConvGeometry(batch, 256, 56, 57, 64, 1, 1), 1),
            ];
            filter = null;
        }
        if (ab is { } tune)
        {
            QuickNchwcAB.Run(layers.Where(l => filter is null || Describe(l.G).Contains(filter, StringComparison.Ordinal)).ToArray(), threads, pool, tune.A, tune.B);
            return;
        }
        if (nchwc)
        {
            QuickNchwc.Run(layers, threads, pool);
            return;
        }
        double total = 0, totalFlop = 0;
        var rows = new List<string>();
        foreach (var (g, count) in layers)
        {
            var x = Data.Random((int)g.InputElements, 1);
            var y = new float[g.OutputElements];
            var bias = Data.Random(g.K, 3);
            using var w = ConvWeights.Pack(Data.Random(g.K * g.Cg * g.KernelH * g.KernelW, 2), g);
            double flop = 2.0 * g.OutputElements * g.Cg * g.KernelH * g.KernelW;
            int iters = Math.Max(5, (int)(1e9 / flop));
            var t = new List<double>();
            for (int i = 0; i < iters + 1; i++)
            {
                double s = threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
                Conv2d.Run(x, w, y, bias, activation: Activation.Relu, pool: pool);
                t.Add((threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency) - s);
            }
            double ms = t.Skip(1).Min();
            total += ms * count;
            totalFlop += flop * count;
            rows.Add($"{g.C,5}->{g.K,-5} {g.KernelH}x{g.KernelW}/{g.StrideH} {g.H,3}x{g.W,-3} x{count}  {ms,8:F3} ms  {flop / ms / 1e6,6:F1} GFLOP/s  ({ms * count:F2} ms total)");
        }
        foreach (var r in rows)
        {
            Console.WriteLine(r);
        }
        Console.WriteLine($"all convolutions: {total:F1} ms, {totalFlop / total / 1e6:F1} GFLOP/s (best of runs, {threads} thread(s), batch {batch}; one thread: thread CPU time)");
    }

    private static string Describe(ConvGeometry g) => $"{g.C}->{g.K} {g.KernelH}x{g.KernelW}/{g.StrideH} {g.H}x{g.W}";
}
