using System.Diagnostics;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Kernels.Cpu;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Runtime;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--gemm-shapes MxNxK,... [--threads T] [--rounds R] [--iterations I]</c>: one MatMul per shape, x[M,K]·W[K,N] with
/// W an initializer (Axon packs it at compile time, ONNX Runtime pre-packs it too), run in Axon and in ONNX Runtime in
/// this one process, alternating rounds at the same thread count (one thread timed by the thread's CPU time); prints best-round-median GFLOP/s of each, the ratio,
/// and the share of the measured FMA peak. The transformer projections (tokens × 384/1536 × 384/1536) are the default.
/// </summary>
internal static class GemmShapesBench
{
    public const string TransformerShapes = "128x384x384,128x1536x384,128x384x1536,512x384x384,512x1536x384,512x384x1536,1024x384x384,1024x1536x384,1024x384x1536";

    public static void Run(string[] args)
    {
        string shapes = Get(args, "--gemm-shapes") is { } s && !s.StartsWith("--", StringComparison.Ordinal) ? s : TransformerShapes;
        int threads = Int(args, "--threads", 1), rounds = Int(args, "--rounds", 5), iterations = Int(args, "--iterations", 10);
        double peak = FmaPeak.MeasureGflops();
        Console.WriteLine($"MatMul x[M,K]·W[K,N] (W an initializer), {threads} thread(s), best of {rounds} alternating rounds of {iterations}; " +
            $"FMA peak {peak:F1} GFLOP/s/core; load average {LoadAverage()}; timed by {(threads == 1 ? "thread CPU time" : "wall clock")}");
        Console.WriteLine($"  {"M x N x K",-17} {"axon GF/s",10} {"ort GF/s",10} {"axon/ort",9} {"axon % peak",12}   max |diff|");
        using var pool = new WorkerPool(threads);
        if (Int(args, "--chain", 0) is var layers and > 0)
        {
            // A chain of FFN-shaped products with distinct weights (x·W1·W2 per layer, 384→1536→384): the weights of
            // several layers exceed L2, as in a whole model, unlike one repeated product whose weights stay cached.
            Measure(Int(args, "--m", 128), 1536, 384, threads, rounds, iterations, peak, pool, layers);
            return;
        }
        foreach (var shape in shapes.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var d = shape.Split('x').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            if (d.Length != 3 || d.Any(v => v <= 0))
            {
                throw new ArgumentException($"--gemm-shapes: '{shape}' is not MxNxK");
            }
            Measure(d[0], d[1], d[2], threads, rounds, iterations, peak, pool);
        }
    }

    private static void Measure(int m, int n, int k, int threads, int rounds, int iterations, double peak, WorkerPool pool, int layers = 0)
    {
        var b = new GraphBuilder("gemm");
        var x = b.Input("x", DType.Float32, m, k);
        if (layers == 0)
        {
            b.Output(b.MatMul(x, b.RandomWeight("w", [k, n], 3, WeightInit.Xavier)));
        }
        else
        {
            var h = x;
            for (int l = 0; l < layers; l++)
            {
                h = b.MatMul(h, b.RandomWeight($"w{l}a", [k, n], (ulong)(3 + 2 * l), WeightInit.Xavier));
                h = b.MatMul(h, b.RandomWeight($"w{l}b", [n, k], (ulong)(4 + 2 * l), WeightInit.Xavier));
            }
            b.Output(h);
        }
        var bytes = OnnxModel.ToBytes(b.Build());
        var model = Pipelines.For(2).Run(OnnxModel.Load(bytes, null));
        var rng = new Random(1234);
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["x"] = Tensor.FromArray(Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), [m, k]),
        };
        using var axon = new InferenceSession(model, pool);
        using var ort = new OrtPeer(bytes, threads, feeds);
        var ax = ((Tensor)axon.Run(feeds)[0].Value!).ToDoubles();
        var or = ort.Outputs()[0];
        double diff = 0;
        for (int i = 0; i < ax.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(ax[i] - or[i]));
        }
        // One thread: both engines compute on this thread, so its CPU time is a load-proof clock; more: wall time.
        bool cpu = threads == 1;
        double axonBest = double.MaxValue, ortBest = double.MaxValue;
        // Each engine's output goes back to its allocator after a run (ORT's `using` on its results; Axon's buffer pool),
        // so neither pays fresh pages for every output.
        void AxonRun()
        {
            foreach (var o in axon.Run(feeds))
            {
                (o.Value as Tensor)?.Buffer?.Dispose();
            }
        }
        for (int r = 0; r < rounds; r++)
        {
            axonBest = Math.Min(axonBest, MedianMs(AxonRun, iterations, cpu));
            ortBest = Math.Min(ortBest, MedianMs(ort.Run, iterations, cpu));
        }
        double g = 2.0 * m * n * k / 1e9 * Math.Max(1, 2 * layers);
        double ag = g / axonBest * 1e3, og = g / ortBest * 1e3;
        Console.WriteLine($"  {(layers > 0 ? $"{m}: {layers}x(384>1536>384)" : $"{m}x{n}x{k}"),-17} {ag,10:F1} {og,10:F1} {ag / og,9:F2} {ag / peak / threads,12:P0}   {diff:G3}");
    }

    private static double MedianMs(Action run, int n, bool cpu)
    {
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            double c0 = ThreadClock.NowMs();
            long s = Stopwatch.GetTimestamp();
            run();
            t[i] = cpu ? ThreadClock.NowMs() - c0 : Stopwatch.GetElapsedTime(s).TotalMilliseconds;
        }
        Array.Sort(t);
        return n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    }

    private static string? Get(string[] a, string k) => Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;

    private static int Int(string[] a, string k, int d) => Get(a, k) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : d;

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
