using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Onnx;

namespace Axon.Runtime.Precision;

/// <summary>What <c>axon quantize</c> asks for.</summary>
public sealed record QuantizeRequest
{
    public required string ModelPath { get; init; }

    /// <summary>Samples to measure accuracy (and, for static quantization, to calibrate); null = seeded random inputs.</summary>
    public string? SamplesDir { get; init; }

    public CompileOptions Options { get; init; } = new() { Quantize = QuantizeMode.Dynamic };

    public double MinCosine { get; init; } = 0.99;

    /// <summary>Largest allowed top-1 drop in points (accuracy with labels; disagreement without).</summary>
    public double MaxTop1Drop { get; init; } = 1.0;

    public IReadOnlyList<int>? Labels { get; init; }

    public int Threads { get; init; } = 1;

    /// <summary>Static (calibrated, QDQ) quantization with these settings instead of <see cref="CompileOptions.Quantize"/>; needs <see cref="SamplesDir"/>.</summary>
    public StaticQuantizeOptions? Static { get; init; }

    /// <summary>
    /// Dynamic quantization in the standard ONNX form (ONNX Runtime's <c>quantize_dynamic</c>: DynamicQuantizeLinear per
    /// tensor, MatMulInteger) instead of Axon's per-row form: the model can be saved and run by other engines.
    /// </summary>
    public OnnxDynamicOptions? OnnxDynamic { get; init; }

    /// <summary>
    /// When the quantized model misses <see cref="MinCosine"/>, measure each product's sensitivity and keep the most
    /// sensitive ones in FP32 until it is met (<see cref="Sensitivity.AutoExclude"/>); dynamic quantization only.
    /// </summary>
    public bool AutoExclude { get; init; }

    /// <summary>SmoothQuant on the FP32 model before quantizing (<see cref="SmoothQuantizer"/>); needs <see cref="SamplesDir"/> (the calibration samples).</summary>
    public SmoothQuantOptions? SmoothQuant { get; init; }

    /// <summary>With <see cref="SmoothQuant"/>: choose α per activation on the samples (<see cref="SmoothQuantizer.SearchAlpha"/>).</summary>
    public bool SmoothQuantAuto { get; init; }

    /// <summary>With <see cref="AutoExclude"/>: the most products kept in FP32 (default: a quarter of the candidates, at least 1).</summary>
    public int? MaxExcluded { get; init; }
}

/// <summary>The quantized artifact, its report against FP32, and every reason it should not be written.</summary>
public sealed record QuantizeResult(CompiledModel Model, ComparisonReport Report, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;

    /// <summary>Conv/MatMul/Gemm nodes (static) or matrix products (dynamic) now in INT8.</summary>
    public int QuantizedNodes { get; init; }

    /// <summary>The standard ONNX model static quantization (QDQ) or ONNX-form dynamic quantization produced (null for Axon's per-row dynamic).</summary>
    public Model? QdqModel { get; init; }

    /// <summary>What <see cref="QuantizeRequest.SmoothQuant"/> smoothed (null without it).</summary>
    public SmoothQuantResult? SmoothQuant { get; init; }

    /// <summary>What <see cref="QuantizeRequest.AutoExclude"/> measured and kept in FP32 (null without it).</summary>
    public SensitivityResult? Sensitivity { get; init; }
}

/// <summary>
/// Quantization that must prove it helped: compile the model in FP32 (-O2) and quantized, run both on the same samples,
/// and list every bar the quantized model misses (cosine floor, top-1 drop, not faster than FP32).
/// </summary>
public static class QuantizeWorkflow
{
    public static QuantizeResult Run(QuantizeRequest r, Action<string, int, int>? progress = null)
    {
        if (r.Options.Quantize == QuantizeMode.None && r.Static is null && r.OnnxDynamic is null)
        {
            throw new ArgumentException("the request selects no quantization");
        }
        byte[] bytes = File.Exists(r.ModelPath) ? File.ReadAllBytes(r.ModelPath) : throw new AxonInputException($"model '{r.ModelPath}' does not exist", "AXQ006");
        var model = OnnxModel.Load(bytes, Path.GetDirectoryName(Path.GetFullPath(r.ModelPath)));
        var fp32Options = r.Options with { Quantize = QuantizeMode.None };
        var fp32 = Pipelines.For(fp32Options).Run(model, fp32Options);
        if (r.Static is not null && r.SamplesDir is null)
        {
            throw new AxonInputException("static quantization needs calibration samples (--calibration DIR)", "AXQ024");
        }
        if (r.AutoExclude && r.Static is not null)
        {
            throw new ArgumentException("auto-exclusion is for dynamic quantization");
        }
        if (r.SmoothQuant is not null && r.SamplesDir is null)
        {
            throw new AxonInputException("SmoothQuant needs calibration samples (--calibration DIR) to measure the activations' channels", "AXQ073");
        }
        var samples = r.SamplesDir is null ? SampleSet.Random(model.Graph.RuntimeInputs, 4) : SampleSet.Load(r.SamplesDir, model.Graph.RuntimeInputs);
        using var pool = new WorkerPool(r.Threads);
        var smooth = r.SmoothQuant is { } so ? SmoothQuantizer.Smooth(model, samples, so, pool, progress) : null;
        if (smooth is not null && r.SmoothQuantAuto)
        {
            using var reference = new InferenceSession(fp32, pool);
            var expected = Sensitivity.ReferenceOutputs(reference, samples);
            smooth = SmoothQuantizer.SearchAlpha(smooth, model, m => Sensitivity.Score(QuantizedForScore(r, m, samples, pool, fp32Options), pool, samples, expected), progress);
        }
        // Everything below quantizes the smoothed model (the same function as the original); FP32 stays the original.
        model = smooth?.Model ?? model;
        if (smooth is not null)
        {
            bytes = [];
        }
        CompiledModel compiled;
        int quantized;
        Model? qdq = null;
        SensitivityResult? sensitivity = null;
        if (r.Static is { } st)
        {
            var sq = StaticQuantizer.Quantize(model, samples, st, pool, progress);
            qdq = sq.Model;
            quantized = sq.QuantizedNodes;
            compiled = Compiler.Compiler.Compile(qdq, fp32Options).Model;
        }
        else
        {
            // Dynamic: Axon's per-row form, or ONNX's per-tensor form compiled back onto the same INT8 kernels.
            var od = r.OnnxDynamic;
            CompiledModel Build(IReadOnlyCollection<string> exclude) => od is null
                ? Compiler.Compiler.Compile(model, r.Options with { PrecisionExclude = [.. r.Options.PrecisionExclude, .. exclude] }, exclude.Count == 0 && bytes.Length > 0 ? bytes : null).Model
                : Compiler.Compiler.Compile(OnnxDynamicQuantizer.Quantize(model, od with { Exclude = [.. od.Exclude, .. exclude] }), fp32Options).Model;
            var chosen = new List<string>();
            if (r.AutoExclude)
            {
                using var reference = new InferenceSession(fp32, pool);
                var expected = Sensitivity.ReferenceOutputs(reference, samples);
                var candidates = od is null ? AxonCandidates(fp32, Build([]).Graph, r.Options.PrecisionExclude)
                    : OnnxDynamicQuantizer.Candidates(model, od.MinK).Where(c => !od.Exclude.Contains(c)).ToList();
                sensitivity = Sensitivity.AutoExclude(candidates,
                    ex => Sensitivity.Score(Compiler.Compiler.ToModel(Build(ex)), pool, samples, expected),
                    r.MinCosine, r.MaxExcluded ?? Math.Max(1, candidates.Count / 4), progress);
                chosen.AddRange(sensitivity.Excluded);
            }
            compiled = Build(chosen);
            if (od is not null)
            {
                qdq = OnnxDynamicQuantizer.Quantize(model, od with { Exclude = [.. od.Exclude, .. chosen] });
                quantized = qdq.Graph.Nodes.Count(n => n.OpType == "MatMulInteger");
            }
            else
            {
                quantized = compiled.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul");
            }
        }
        using var a = new InferenceSession(fp32, pool);
        using var b = new InferenceSession(Compiler.Compiler.ToModel(compiled), pool);
        progress?.Invoke("compare with FP32", 0, 1);
        var report = ModelComparer.Compare(a, b, samples, r.Labels);
        progress?.Invoke("compare with FP32", 1, 1);
        var failures = new List<string>();
        if (quantized == 0)
        {
            failures.Add(r.Static is null ? "no MatMul/Gemm with constant weights was quantized (nothing to gain)"
                : "no Conv/MatMul/Gemm was quantized (nothing to gain)");
        }
        if (!(report.WorstCosine >= r.MinCosine))
        {
            failures.Add($"cosine {report.WorstCosine:F5} is below --min-cosine {r.MinCosine}");
        }
        double drop = report.AccuracyA is { } accA && report.AccuracyB is { } accB ? 100 * (accA - accB)
            : report.Top1Agreement is { } agree ? 100 * (1 - agree) : 0;
        if (drop > r.MaxTop1Drop)
        {
            failures.Add($"top-1 drops {drop:F2} points, more than --max-top1-drop {r.MaxTop1Drop}");
        }
        if (report.LatencyB >= report.LatencyA)
        {
            failures.Add($"the quantized model is not faster ({report.LatencyB:F2} ms vs {report.LatencyA:F2} ms FP32)");
        }
        return new QuantizeResult(compiled, report, failures) { QuantizedNodes = quantized, QdqModel = qdq, Sensitivity = sensitivity, SmoothQuant = smooth };
    }

    /// <summary>The quantized model the α search scores: the request's quantization of a smoothed candidate.</summary>
    private static Model QuantizedForScore(QuantizeRequest r, Model smoothed, SampleSet samples, WorkerPool pool, CompileOptions fp32Options)
    {
        if (r.Static is { } st)
        {
            return Compiler.Compiler.ToModel(Compiler.Compiler.Compile(StaticQuantizer.Quantize(smoothed, samples, st, pool).Model, fp32Options).Model);
        }
        return r.OnnxDynamic is { } od
            ? Compiler.Compiler.ToModel(Compiler.Compiler.Compile(OnnxDynamicQuantizer.Quantize(smoothed, od), fp32Options).Model)
            : Compiler.Compiler.ToModel(Compiler.Compiler.Compile(smoothed, r.Options).Model);
    }

    /// <summary>
    /// The products Axon's dynamic pass quantized, by the names <see cref="CompileOptions.PrecisionExclude"/> accepts:
    /// nodes of the FP32 graph (same pipeline) that the quantized graph no longer holds under the same name and op.
    /// </summary>
    private static List<string> AxonCandidates(Model fp32, Axon.Graph.Graph quantized, IReadOnlyList<string> excluded)
    {
        var kept = new HashSet<(string, string)>(quantized.Nodes.Select(n => (n.Name, n.OpType)));
        return fp32.Graph.Nodes.Where(n => n.Name.Length > 0 && n.OpType is "MatMul" or "Gemm" or "FusedMatMul" or "FusedGemm" or "Attention"
            && !kept.Contains((n.Name, n.OpType)) && !excluded.Contains(n.Name)).Select(n => n.Name).Distinct().ToList();
    }
}
