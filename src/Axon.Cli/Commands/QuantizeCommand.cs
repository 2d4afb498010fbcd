using System.CommandLine;
using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Runtime.Precision;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon quantize MODEL.onnx -o MODEL.int8.axon --dynamic [--calibration DIR] [--exclude NODE,...] [--min-cosine 0.99]
/// [--max-top1-drop 1] [--force]</c>: INT8 quantization that must prove it helped. It compiles the model in FP32 and
/// quantized, compares both on the samples, prints the report and writes the artifact only when the quantized model is
/// faster and within the accuracy floor (or with --force); otherwise exit 1 (AXQ010).
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "the FP32 .onnx model" };
        var output = new Option<string?>("--output", "-o") { Description = "the .axon artifact to write (default: MODEL.int8.axon)" };
        var calibration = new Option<string?>("--calibration") { Description = "sample folder (one sub-folder per sample, <input>.npy each) for calibration and the report" };
        var method = new Option<string?>("--method") { Description = "static calibration method minmax|percentile|entropy (static quantization is not available yet)" };
        var perChannel = new Option<bool>("--per-channel") { Description = "per-output-channel weight scales (always on)" };
        var symmetric = new Option<bool>("--symmetric") { Description = "symmetric activations (static only; not available yet)" };
        var asymmetric = new Option<bool>("--asymmetric") { Description = "asymmetric activations (what dynamic quantization uses)" };
        var exclude = new Option<string?>("--exclude") { Description = "comma-separated node (or output) names to keep in FP32" };
        var dynamic = new Option<bool>("--dynamic") { Description = "dynamic quantization: weights per channel now, activations per row at run time" };
        var emitOnnx = new Option<string?>("--emit-onnx") { Description = "also write a QDQ ONNX model (not available yet)" };
        var minCosine = new Option<double>("--min-cosine") { Description = "accuracy floor: worst output cosine against FP32", DefaultValueFactory = _ => 0.99 };
        var maxDrop = new Option<double>("--max-top1-drop") { Description = "largest allowed top-1 drop in points (with --labels: accuracy, else disagreement)", DefaultValueFactory = _ => 1.0 };
        var labels = new Option<string?>("--labels") { Description = "one integer class label per line for the calibration samples" };
        var force = new Option<bool>("--force") { Description = "write the model even when it is slower or less accurate than allowed" };
        var threads = new Option<int>("--threads") { Description = "worker threads for the report", DefaultValueFactory = _ => 1 };
        var cmd = new Command("quantize", "Quantize a model to INT8 and prove it helped (report against FP32)")
        {
            model, output, calibration, method, perChannel, symmetric, asymmetric, exclude, dynamic, emitOnnx, minCosine, maxDrop, labels, force, threads,
        };
        cmd.SetAction(p =>
        {
            if (!p.GetValue(dynamic))
            {
                throw new UsageException("static quantization (calibrated activation scales) is not available yet (AXQ003); use --dynamic");
            }
            if (p.GetValue(method) is { } m && m is not ("minmax" or "percentile" or "entropy"))
            {
                throw new UsageException($"--method must be minmax, percentile or entropy, not '{m}'");
            }
            if (p.GetValue(symmetric) && p.GetValue(asymmetric))
            {
                throw new UsageException("--symmetric and --asymmetric exclude each other");
            }
            if (p.GetValue(emitOnnx) is not null)
            {
                throw new UsageException("--emit-onnx is not available yet (AXQ003)");
            }
            if (p.GetValue(minCosine) is < -1 or > 1 || p.GetValue(maxDrop) < 0)
            {
                throw new UsageException("--min-cosine must be in [-1, 1] and --max-top1-drop at least 0");
            }
            string path = p.GetValue(model)!;
            var excluded = (p.GetValue(exclude) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var request = new QuantizeRequest
            {
                ModelPath = path,
                SamplesDir = p.GetValue(calibration),
                Options = new CompileOptions { Quantize = QuantizeMode.Dynamic, PrecisionExclude = excluded },
                MinCosine = p.GetValue(minCosine),
                MaxTop1Drop = p.GetValue(maxDrop),
                Labels = CompareCommand.ReadLabels(p.GetValue(labels)),
                Threads = Math.Max(1, p.GetValue(threads)),
            };
            var result = QuantizeWorkflow.Run(request);
            int q = result.Model.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul");
            io.Out.WriteLine($"quantized {q} matrix product(s) to INT8 (dynamic: weights per channel, activations per row)");
            CompareCommand.Render(io, result.Report, "fp32", "int8");
            if (!result.Passed && !p.GetValue(force))
            {
                throw new AxonModelException("refusing to write the quantized model: " + string.Join("; ", result.Failures) + " (use --force to write it anyway)", "AXQ010");
            }
            foreach (var f in result.Failures)
            {
                io.Err.WriteLine($"warning: {f} (written because of --force)");
            }
            string outPath = p.GetValue(output) ?? Path.ChangeExtension(path, ".int8.axon");
            AxonFile.Save(result.Model, outPath);
            io.Out.WriteLine($"wrote {outPath}");
            return CliHost.Ok;
        });
        return cmd;
    }
}
