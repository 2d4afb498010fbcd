using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;
using static Axon.Bench.Peers.MiniLMInt8Bench;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--int8-minilm-peer [--per-channel] [--full-range] [--batch 8] [--seq 128] [--threads 1] [--rounds 5] [--iterations 3]
/// [--samples 16] [--write FILE]</c>: all-MiniLM-L6-v2 quantized the way ONNX Runtime's <c>quantize_dynamic</c> writes it
/// (<see cref="OrtDynamicQuantizer"/>; 7-bit weights unless <c>--full-range</c>), saved as one ONNX file, and that same
/// file run by Axon (-O2) and by ONNX Runtime in alternating rounds on the same threads (best-round medians), with Axon
/// FP32 as a third column; then the sentence-embedding cosine of each INT8 engine against Axon FP32 on varied inputs.
/// </summary>
internal static class MiniLMOrtInt8Bench
{
    public static void Run(string[] args)
    {
        int batch = Int(args, "--batch", 8), seq = Int(args, "--seq", 128), threads = Int(args, "--threads", 1);
        int rounds = Int(args, "--rounds", 5), iterations = Int(args, "--iterations", 3), samples = Int(args, "--samples", 16);
        bool perChannel = args.Contains("--per-channel"), fullRange = args.Contains("--full-range");
        var fp32Bytes = Bytes();
        var fp32Model = OnnxModel.Load(fp32Bytes, null);
        var int8Model = OrtDynamicQuantizer.Quantize(fp32Model, perChannel, reduceRange: !fullRange);
        var int8Bytes = OnnxModel.ToBytes(int8Model);
        string file = Get(args, "--write") ?? Path.Combine(Path.GetTempPath(), $"minilm-int8-dynamic{(perChannel ? "-perchannel" : "")}{(fullRange ? "-fullrange" : "")}.onnx");
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
        for (int r = 0; r < rounds; r++)
        {
            ra.Add(MiniLMInt8Bench.Median(() => a.Run(feeds), iterations));
            ro.Add(MiniLMInt8Bench.Median(ort.Run, iterations));
            rf.Add(MiniLMInt8Bench.Median(() => f.Run(feeds), iterations));
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
        Console.WriteLine($"all-MiniLM-L6-v2 INT8 ({quantNodes} MatMulInteger, weights {(perChannel ? "per channel" : "per tensor")}, {(fullRange ? "full range [-127,127]" : "reduce_range [-64,64]")}) batch {batch} seq {seq} threads {threads}");
        Console.WriteLine($"  file {file} ({loaded.Length / 1e6:F1} MB), load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
        Console.WriteLine($"  axon int8 {ra.Min(),9:F2} ms   rounds {string.Join(" ", ra.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  ort  int8 {ro.Min(),9:F2} ms   rounds {string.Join(" ", ro.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  axon fp32 {rf.Min(),9:F2} ms   rounds {string.Join(" ", rf.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  ratio axon/ort (int8) {ra.Min() / ro.Min():F2}   axon int8 speed-up over axon fp32 {rf.Min() / ra.Min():F2}x");
        Console.WriteLine($"  embedding cosine vs axon fp32 over {cosAxon.Count} inputs: axon int8 min {cosAxon.Min():F5} mean {cosAxon.Average():F5}; ort int8 min {cosOrt.Min():F5} mean {cosOrt.Average():F5}");
        Console.WriteLine($"  steps: {plan.KernelCounts.Fast} fast, {plan.KernelCounts.Reference} reference; int8 kernels: {string.Join(", ", kernels)}");
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
}
