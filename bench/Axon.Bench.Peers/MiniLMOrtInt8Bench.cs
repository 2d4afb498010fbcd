using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Runtime.Precision;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;
using static Axon.Bench.Peers.MiniLMInt8Bench;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--int8-minilm-peer [--per-channel] [--per-row] [--full-range] [--batch 8] [--seq 128] [--threads 1] [--rounds 5] [--iterations 3]
/// [--samples 16] [--write FILE] [--exclude NODE,...] [--auto-exclude [0.99]] [--smooth ALPHA|auto]</c>: all-MiniLM-L6-v2 quantized the way
/// ONNX Runtime's <c>quantize_dynamic</c> writes it (<see cref="OnnxDynamicQuantizer"/>, what <c>axon quantize --dynamic
/// --emit-onnx</c> writes; with <c>--per-row</c> Axon's per-row activation quantization in standard ONNX operators,
/// <see cref="OnnxDynamicOptions.PerRow"/>, weights per column; 7-bit weights unless <c>--full-range</c>; named MatMuls kept FP32, or the most sensitive ones
/// chosen by <see cref="Sensitivity.AutoExclude"/> on calibration batches of another seed, scored by the worst
/// sentence-embedding cosine against FP32), saved as one ONNX file, and that same
/// file run by Axon (-O2) and by ONNX Runtime in alternating rounds on the same threads (best-round medians), with Axon
/// FP32 as a third column; then the sentence-embedding cosine of each INT8 engine against Axon FP32 on varied inputs.
/// </summary>
internal static class MiniLMOrtInt8Bench
{
    public static void Run(string[] args)
    {
        int batch = Int(args, "--batch", 8), seq = Int(args, "--seq", 128), threads = Int(args, "--threads", 1);
        int rounds = Int(args, "--rounds", 5), iterations = Int(args, "--iterations", 3), samples = Int(args, "--samples", 16);
        bool perRow = args.Contains("--per-row"), perChannel = perRow || args.Contains("--per-channel"), fullRange = args.Contains("--full-range");
        var fp32Bytes = Bytes();
        var fp32Model = OnnxModel.Load(fp32Bytes, null);
        var options = new OnnxDynamicOptions
        {
            PerChannel = perChannel, ReduceRange = !fullRange, PerRow = perRow,
            Exclude = (Get(args, "--exclude") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var source = MiniLMSmooth.Apply(fp32Model, args, options, batch, seq, threads);
        if (Array.IndexOf(args, "--auto-exclude") is int ai and >= 0)
        {
            double target = ai + 1 < args.Length && double.TryParse(args[ai + 1], System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : 0.99;
            options = options with { Exclude = [.. options.Exclude, .. AutoExclude(source, options, target, batch, seq, threads, Int(args, "--calibration-batches", 4))] };
        }
        var int8Model = OnnxDynamicQuantizer.Quantize(source, options);
        var int8Bytes = OnnxModel.ToBytes(int8Model);
        string file = Get(args, "--write") ?? Path.Combine(Path.GetTempPath(), $"minilm-int8-dynamic{(perRow ? "-perrow" : "")}{(perChannel ? "-perchannel" : "")}{(fullRange ? "-fullrange" : "")}.onnx");
        File.WriteAllBytes(file, int8Bytes);

        // Both engines load the bytes of the written file.
        var loaded = File.ReadAllBytes(file);
        var axonInt8 = Pipelines.For(2).Run(OnnxModel.Load(loaded, null));
        var axonFp32 = Pipelines.For(2).Run(fp32Model);
        using var pool = new WorkerPool(threads);
        using var a = new InferenceSession(axonInt8, pool);
        using var f = new InferenceSession(axonFp32, pool);
        var feeds = Feeds(new Random(1), batch, seq);
        using var ort = new OrtPeer(loaded, threads, feeds);

        a.Run(feeds);
        f.Run(feeds);
        ort.Run();
        var ra = new List<double>();
        var ro = new List<double>();
        var rf = new List<double>();
        var ca = new List<double>();
        var co = new List<double>();
        var cf = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            ra.Add(MiniLMInt8Bench.Median(() => a.Run(feeds), iterations));
            ro.Add(MiniLMInt8Bench.Median(ort.Run, iterations));
            rf.Add(MiniLMInt8Bench.Median(() => f.Run(feeds), iterations));
            if (threads == 1)
            {
                ca.Add(CpuMedian(() => a.Run(feeds), iterations));
                co.Add(CpuMedian(ort.Run, iterations));
                cf.Add(CpuMedian(() => f.Run(feeds), iterations));
            }
        }

        // Accuracy: sentence embeddings of both INT8 engines against Axon FP32 on varied inputs.
        var cosAxon = new List<double>();
        var cosOrt = new List<double>();
        var rng = new Random(2024);
        while (cosAxon.Count < samples)
        {
            var fe = Feeds(rng, batch, seq);
            var mask = fe["attention_mask"];
            var hf = (Tensor)f.Run(fe)[0].Value!;
            int d = hf.Shape[^1];
            var ef = Pooled(hf.ToDoubles(), d, mask, batch, seq);
            var ea = Pooled(((Tensor)a.Run(fe)[0].Value!).ToDoubles(), d, mask, batch, seq);
            var eo = Pooled(ort.FirstOutput(fe), d, mask, batch, seq);
            for (int i = 0; i < batch && cosAxon.Count < samples; i++)
            {
                cosAxon.Add(Cosine(ef[i], ea[i]));
                cosOrt.Add(Cosine(ef[i], eo[i]));
            }
        }
        var plan = a.Plans.First();
        var kernels = plan.Steps.GroupBy(s => s.KernelName).Where(g => g.Key.StartsWith("qgemm", StringComparison.Ordinal)).Select(g => $"{g.Count()}x {g.Key}");
        int quantNodes = int8Model.Graph.Nodes.Count(n => n.OpType == "MatMulInteger");
        Console.WriteLine($"all-MiniLM-L6-v2 INT8 ({quantNodes} MatMulInteger{(options.Exclude.Count > 0 ? $", FP32: {string.Join(",", options.Exclude)}" : "")}, activations {(perRow ? "per row" : "per tensor")}, weights {(perChannel ? "per channel" : "per tensor")}, {(fullRange ? "full range [-127,127]" : perRow ? "7-bit [-63,63]" : "reduce_range [-64,64]")}) batch {batch} seq {seq} threads {threads}");
        Console.WriteLine($"  file {file} ({loaded.Length / 1e6:F1} MB), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"  axon int8 {ra.Min(),9:F2} ms   rounds {string.Join(" ", ra.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  ort  int8 {ro.Min(),9:F2} ms   rounds {string.Join(" ", ro.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  axon fp32 {rf.Min(),9:F2} ms   rounds {string.Join(" ", rf.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  ratio axon/ort (int8) {ra.Min() / ro.Min():F2}   axon int8 speed-up over axon fp32 {rf.Min() / ra.Min():F2}x");
        if (ca.Count > 0)
        {
            Console.WriteLine($"  thread CPU time (1 thread, robust to load): axon int8 {ca.Min():F1} ms, ort int8 {co.Min():F1} ms, axon fp32 {cf.Min():F1} ms; axon/ort {ca.Min() / co.Min():F2}, int8 speed-up {cf.Min() / ca.Min():F2}x");
        }
        Console.WriteLine($"  embedding cosine vs axon fp32 over {cosAxon.Count} inputs: axon int8 min {cosAxon.Min():F5} mean {cosAxon.Average():F5}; ort int8 min {cosOrt.Min():F5} mean {cosOrt.Average():F5}");
        Console.WriteLine($"  steps: {plan.KernelCounts.Fast} fast, {plan.KernelCounts.Reference} reference; int8 kernels: {string.Join(", ", kernels)}; {plan.Steps.Count(s => s.Node.OpType == "AttentionCore")} AttentionCore");
        foreach (var s in plan.Steps.Where(s => s.Reference is not null).Select(s => s.Node.OpType).Distinct())
        {
            Console.WriteLine($"  on the reference path: {s}");
        }
        if (args.Contains("--profile"))
        {
            foreach (var (name, session) in new[] { ("axon int8", a), ("axon fp32", f) })
            {
                var byKernel = new Dictionary<string, double>(StringComparer.Ordinal);
                for (int i = 0; i < 3; i++)
                {
                    session.Run(feeds, (step, ms) => byKernel[$"{step.Node.OpType} [{step.KernelName}]"] = byKernel.GetValueOrDefault($"{step.Node.OpType} [{step.KernelName}]") + ms / 3);
                }
                Console.WriteLine($"  profile {name}:");
                foreach (var (k, ms) in byKernel.OrderByDescending(kv => kv.Value).Take(12))
                {
                    Console.WriteLine($"    {ms,9:F2} ms  {k}");
                }
            }
        }
    }

    /// <summary>
    /// The MatMuls to keep in FP32 for a worst sentence-embedding cosine of <paramref name="target"/> against FP32 on
    /// calibration batches (seed 7, never the evaluation inputs), by <see cref="Sensitivity.AutoExclude"/>.
    /// </summary>
    private static IReadOnlyList<string> AutoExclude(Model fp32Model, OnnxDynamicOptions options, double target, int batch, int seq, int threads, int batches)
    {
        using var pool = new WorkerPool(threads);
        var rng = new Random(7);
        var calib = Enumerable.Range(0, batches).Select(_ => Feeds(rng, batch, seq)).ToList();
        using var f = new InferenceSession(Pipelines.For(2).Run(fp32Model), pool);
        var expected = calib.Select(fe => Pooled(((Tensor)f.Run(fe)[0].Value!).ToDoubles(), 384, fe["attention_mask"], batch, seq)).ToList();
        double Score(IReadOnlyCollection<string> exclude)
        {
            var m = OnnxDynamicQuantizer.Quantize(fp32Model, options with { Exclude = [.. options.Exclude, .. exclude] });
            using var s = new InferenceSession(Pipelines.For(2).Run(m), pool);
            double worst = 1;
            for (int b = 0; b < calib.Count; b++)
            {
                var e = Pooled(((Tensor)s.Run(calib[b])[0].Value!).ToDoubles(), 384, calib[b]["attention_mask"], batch, seq);
                for (int i = 0; i < batch; i++)
                {
                    worst = Math.Min(worst, Cosine(expected[b][i], e[i]));
                }
            }
            return worst;
        }
        var candidates = OnnxDynamicQuantizer.Candidates(fp32Model).Where(c => !options.Exclude.Contains(c)).ToList();
        var r = Sensitivity.AutoExclude(candidates, Score, target, Math.Max(1, candidates.Count / 4),
            (phase, done, total) => Console.Error.Write($"\r  {phase} {done}/{total}   "));
        Console.Error.WriteLine();
        Console.WriteLine($"  sensitivity on {batches}x{batch} calibration sentences: worst cosine {r.Baseline:F5} all INT8; target {target}");
        foreach (var row in r.Rows)
        {
            Console.WriteLine($"    {row.Name,-40} alone in FP32 {row.ScoreWhenExcluded:F5}  gain {row.Gain,8:F5}{(r.Excluded.Contains(row.Name) ? "  excluded" : "")}");
        }
        Console.WriteLine($"  kept in FP32: {string.Join(",", r.Excluded)} -> {r.Final:F5} ({(r.MetTarget ? "met" : "NOT met")})");
        return r.Excluded;
    }
}
