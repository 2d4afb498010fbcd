using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>
/// Tuning aid: ResNet-50's convolutions in NCHW16c under two settings of the kernel's tunables, alternating per
/// iteration in one process (best thread CPU time per layer), so a change is judged side by side even on a loaded
/// machine. Settings: "pf=0|1,item=N,l1=N,order=a|b|auto" (prefetch weights, pixels per work item, L1 share for a chunk's weights),
/// "pfx=0|1,pfy=0|1" (prefetch the next tile's input / output), "split=0|1" (stride-2 column phases), "gather=0|1" (gathered
/// tiles on narrow planes), "fixed=0|1" (the 1×1 loop with fixed bounds), "cold=1" (caches swept before each run).
/// </summary>
internal static class QuickNchwcAB
{
    public static void Run((ConvGeometry G, int Count)[] layers, int threads, WorkerPool pool, string a, string b)
    {
        double tA = 0, tB = 0, totalFlop = 0;
        foreach (var (g, count) in layers)
        {
            var x = Data.Random((int)Math.Max(g.InputElements, Nchwc.Elements(g.N, g.C, g.H, g.W)), 1);
            var y = new float[Nchwc.Elements(g.N, g.K, g.OutH, g.OutW)];
            var bias = Data.Random(g.K, 3);
            var raw = Data.Random(g.K * g.Cg * g.KernelH * g.KernelW, 2);
            // The chunk and loop order are fixed when the weights are packed: one packing per setting.
            Apply(a);
            var wa = NchwcConvWeights.Pack(raw, bias, g, plainInput: g.C < 8);
            Apply(b);
            var wb = NchwcConvWeights.Pack(raw, bias, g, plainInput: g.C < 8);
            double flop = g.Flops;
            int iters = Math.Max(5, (int)(8e8 / flop));
            double bestA = double.MaxValue, bestB = double.MaxValue;
            for (int i = 0; i < iters + 1; i++)
            {
                Apply(a);
                Evict();
                double s = ThreadClock.NowMs();
                NchwcConv.Run(x, wa, y, default, Activation.Relu, pool: pool);
                double ma = ThreadClock.NowMs() - s;
                Apply(b);
                Evict();
                s = ThreadClock.NowMs();
                NchwcConv.Run(x, wb, y, default, Activation.Relu, pool: pool);
                double mb = ThreadClock.NowMs() - s;
                if (i > 0)
                {
                    bestA = Math.Min(bestA, ma);
                    bestB = Math.Min(bestB, mb);
                }
            }
            tA += bestA * count;
            tB += bestB * count;
            totalFlop += flop * count;
            Console.WriteLine($"{g.C,5}->{g.K,-5} {g.KernelH}x{g.KernelW}/{g.StrideH} {g.H,3}x{g.W,-3} x{count}  A {flop / bestA / 1e6,6:F1}  B {flop / bestB / 1e6,6:F1} GFLOP/s  (B/A time {bestB / bestA:F3})");
        }
        Console.WriteLine($"all: A {tA:F1} ms ({totalFlop / tA / 1e6:F1} GFLOP/s), B {tB:F1} ms ({totalFlop / tB / 1e6:F1} GFLOP/s); thread CPU time of the caller");
        Apply("");
    }

    private static bool _cold;
    private static float[]? _sweep;

    /// <summary>With cold=1: sweep 64 MiB (twice L3) so weights and input come from memory, as in a whole model.</summary>
    private static void Evict()
    {
        if (!_cold)
        {
            return;
        }
        _sweep ??= new float[16 << 20];
        for (int i = 0; i < _sweep.Length; i += 16)
        {
            _sweep[i] += 1;
        }
    }

    private static void Apply(string settings)
    {
        _cold = false;
        NchwcConv.PrefetchWeights = true;
        NchwcConv.ItemPixels = 192;
        NchwcConv.L1Share = 2;
        NchwcConv.OutputMajor = null;
        NchwcConv.PrefetchInput = true;
        NchwcConv.PrefetchOutput = false;
        NchwcConvInput.SplitWidth = true;
        NchwcConv.GatherSmallPlanes = true;
        NchwcConvTile.FixedWindows = true;
        foreach (var kv in settings.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = kv.Split('=');
            switch (p[0])
            {
                case "pf": NchwcConv.PrefetchWeights = p[1] == "1"; break;
                case "item": NchwcConv.ItemPixels = int.Parse(p[1]); break;
                case "l1": NchwcConv.L1Share = int.Parse(p[1]); break;
                case "cold": _cold = p[1] == "1"; break;
                case "pfx": NchwcConv.PrefetchInput = p[1] == "1"; break;
                case "pfy": NchwcConv.PrefetchOutput = p[1] == "1"; break;
                case "split": NchwcConvInput.SplitWidth = p[1] == "1"; break;
                case "gather": NchwcConv.GatherSmallPlanes = p[1] == "1"; break;
                case "fixed": NchwcConvTile.FixedWindows = p[1] == "1"; break;
                case "order": NchwcConv.OutputMajor = p[1] == "auto" ? null : p[1] == "b"; break;
                default: throw new ArgumentException($"unknown setting {p[0]}");
            }
        }
    }
}
