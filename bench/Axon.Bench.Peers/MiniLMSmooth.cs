using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Runtime.Precision;
using static Axon.Bench.Peers.MiniLMInt8Bench;
using InferenceSession = Axon.Runtime.InferenceSession;
using Tensor = Axon.Tensor;

namespace Axon.Bench.Peers;

/// <summary>
/// <c>--int8-minilm-peer ... --smooth ALPHA|auto [--smooth-mul ALPHA] [--smooth-min-scale S] [--smooth-debug] [--calibration-batches 4]</c>: SmoothQuant
/// (<see cref="SmoothQuantizer"/>) on the FP32 MiniLM before the ONNX-form quantization, calibrated on varied batches of
/// seed 7 (never the evaluation inputs, seed 2024, nor the timing batch, seed 1); <c>auto</c> searches α per activation
/// on the same calibration batches, scored by the worst sentence-embedding cosine of the quantized model run by Axon;
/// <c>--smooth-mul</c> also smooths FFN-down through an inserted Mul; <c>--smooth-debug</c> prints channel ranges and checks
/// the calibration's channel maxima against the reference executor.
/// </summary>
internal static class MiniLMSmooth
{
    public static Model Apply(Model fp32, string[] args, OnnxDynamicOptions quant, int batch, int seq, int threads)
    {
        string? arg = Get(args, "--smooth");
        if (arg is null)
        {
            return fp32;
        }
        bool auto = arg == "auto";
        var options = new SmoothQuantOptions
        {
            Alpha = auto ? 0.5 : double.Parse(arg, System.Globalization.CultureInfo.InvariantCulture),
            InsertMul = Get(args, "--smooth-mul") is not null,
            InsertMulAlpha = Get(args, "--smooth-mul") is { } ma ? double.Parse(ma, System.Globalization.CultureInfo.InvariantCulture) : null,
            Exclude = quant.Exclude,
            MinScale = Get(args, "--smooth-min-scale") is { } ms ? double.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) : 1e-5,
            MinK = quant.MinK,
        };
        var rng = new Random(7);
        var calib = Enumerable.Range(0, Int(args, "--calibration-batches", 4)).Select(_ => Feeds(rng, batch, seq)).ToList();
        using var pool = new WorkerPool(threads);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = SmoothQuantizer.Smooth(fp32, SampleSet.FromTensors(calib), options, pool);
        Console.WriteLine($"  smooth-quant alpha {arg}: {r.Targets.Count} activations smoothed ({r.Summary}) on {calib.Count}x{batch} calibration sentences, {sw.Elapsed.TotalSeconds:F1} s");
        foreach (var t in r.Targets.Where(_ => args.Contains("--smooth-debug")))
        {
            var m = r.ChannelMax[t.Activation];
            var w = fp32.Graph.Initializers[t.Weights[0]].ToDoubles();
            int n = w.Length / t.Channels;
            var wr = Enumerable.Range(0, t.Channels).Select(j => Enumerable.Range(0, n).Max(c => Math.Abs(w[j * n + c]))).ToArray();
            Console.WriteLine($"    {t.Activation} {t.Kind}: max|x| {m.Min():G3}..{m.Max():G3} (median {m.Order().ElementAt(m.Length / 2):G3}), max|w| rows {wr.Min():G3}..{wr.Max():G3}");
        }
        if (args.Contains("--smooth-debug"))
        {
            // Channel maxima of one batch: the calibration probe (fast kernels) against the reference executor.
            var names = r.Targets.Select(t => t.Activation).ToList();
            var fast = SmoothQuantizer.ChannelMax(fp32, r.Targets.ToDictionary(t => t.Activation, t => t.Channels), SampleSet.FromTensors([calib[0]]), pool);
            var g = fp32.Graph.Clone();
            foreach (var name in names)
            {
                g.Outputs.Add(new ValueInfo(name, TypeInfo.Unknown));
            }
            var probe = new Model(g) { IrVersion = fp32.IrVersion };
            foreach (var kv in fp32.OpsetImports)
            {
                probe.OpsetImports[kv.Key] = kv.Value;
            }
            var refOut = new Axon.Graph.Reference.ReferenceExecutor(probe).Run(calib[0].ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value));
            foreach (var kv in refOut.Where(kv => fast.ContainsKey(kv.Key)))
            {
                var v = ((Tensor)kv.Value!).ToDoubles();
                var m = fast[kv.Key];
                var rm = new double[m.Length];
                for (int i = 0; i < v.Length; i++)
                {
                    rm[i % m.Length] = Math.Max(rm[i % m.Length], Math.Abs(v[i]));
                }
                Console.WriteLine($"    {kv.Key}: shape {string.Join("x", ((Tensor)kv.Value!).Shape.ToArray())}, max |fast - reference| channel max {Enumerable.Range(0, m.Length).Max(j => Math.Abs(m[j] - rm[j])):G3}");
            }
        }
        using var f = new InferenceSession(Pipelines.For(2).Run(fp32), pool);
        var expected = calib.Select(fe => Pooled(((Tensor)f.Run(fe)[0].Value!).ToDoubles(), 384, fe["attention_mask"], batch, seq)).ToList();
        using (var sf = new InferenceSession(Pipelines.For(2).Run(r.Model), pool))
        {
            // Smoothing is exact: the smoothed FP32 model against the original.
            double worst = 1;
            for (int b = 0; b < calib.Count; b++)
            {
                var e = Pooled(((Tensor)sf.Run(calib[b])[0].Value!).ToDoubles(), 384, calib[b]["attention_mask"], batch, seq);
                worst = Math.Min(worst, Enumerable.Range(0, batch).Min(i => Cosine(expected[b][i], e[i])));
            }
            Console.WriteLine($"  smoothed FP32 against FP32 (exactness): worst embedding cosine {worst:F7}");
        }
        if (!auto)
        {
            return r.Model;
        }
        double Score(Model smoothed)
        {
            using var s = new InferenceSession(Pipelines.For(2).Run(OnnxDynamicQuantizer.Quantize(smoothed, quant)), pool);
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
        double before = Score(r.Model);
        var tuned = SmoothQuantizer.SearchAlpha(r, fp32, Score, (phase, done, total) => Console.Error.Write($"\r  {phase} {done}/{total}   "));
        Console.Error.WriteLine();
        Console.WriteLine($"  alpha search ({sw.Elapsed.TotalSeconds:F0} s): calibration worst cosine {before:F5} at alpha 0.5 -> {Score(tuned.Model):F5}; " +
            string.Join(" ", tuned.Options.AlphaPerActivation.Select(kv => $"{kv.Key}={kv.Value}")));
        return tuned.Model;
    }
}
