using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Passes;
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
}

/// <summary>The quantized artifact, its report against FP32, and every reason it should not be written.</summary>
public sealed record QuantizeResult(CompiledModel Model, ComparisonReport Report, IReadOnlyList<string> Failures)
{
    public bool Passed => Failures.Count == 0;

    /// <summary>Conv/MatMul/Gemm nodes (static) or matrix products (dynamic) now in INT8.</summary>
    public int QuantizedNodes { get; init; }

    /// <summary>The standard QDQ ONNX model static quantization produced (null for dynamic).</summary>
    public Model? QdqModel { get; init; }
}

/// <summary>
/// Quantization that must prove it helped: compile the model in FP32 (-O2) and quantized, run both on the same samples,
/// and list every bar the quantized model misses (cosine floor, top-1 drop, not faster than FP32).
/// </summary>
public static class QuantizeWorkflow
{
    public static QuantizeResult Run(QuantizeRequest r, Action<string, int, int>? progress = null)
    {
        if (r.Options.Quantize == QuantizeMode.None && r.Static is null)
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
        var samples = r.SamplesDir is null ? SampleSet.Random(model.Graph.RuntimeInputs, 4) : SampleSet.Load(r.SamplesDir, model.Graph.RuntimeInputs);
        using var pool = new WorkerPool(r.Threads);
        CompiledModel compiled;
        int quantized;
        Model? qdq = null;
        if (r.Static is { } st)
        {
            var sq = StaticQuantizer.Quantize(model, samples, st, pool, progress);
            qdq = sq.Model;
            quantized = sq.QuantizedNodes;
            compiled = Compiler.Compiler.Compile(qdq, fp32Options).Model;
        }
        else
        {
            compiled = Compiler.Compiler.Compile(model, r.Options, bytes).Model;
            quantized = compiled.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul");
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
        return new QuantizeResult(compiled, report, failures) { QuantizedNodes = quantized, QdqModel = qdq };
    }
}
