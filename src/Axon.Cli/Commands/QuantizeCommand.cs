using System.CommandLine;
using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Onnx;
using Axon.Runtime.Precision;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon quantize MODEL.onnx -o MODEL.int8.axon --calibration DIR [--method minmax|percentile|entropy] [--per-channel]
/// [--symmetric|--asymmetric] [--exclude NODE,...] [--emit-onnx MODEL.qdq.onnx]</c> (static: calibrated activation
/// scales, QDQ graph) or <c>--dynamic [--auto-exclude] [--emit-onnx M.onnx]</c> (activations per row at run time, or
/// per tensor in ONNX Runtime's form with --emit-onnx, per row in standard ONNX ops with --emit-onnx --per-row; the most
/// sensitive products kept in FP32 with --auto-exclude), either after <c>[--smooth-quant [ALPHA|auto]]</c> (SmoothQuant on
/// the FP32 model, calibrated on --calibration), then <c>[--min-cosine 0.99]
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
        var method = new Option<string?>("--method") { Description = "static calibration method minmax|percentile|entropy (default minmax)" };
        var percentile = new Option<double>("--percentile") { Description = "percentile the percentile method clips at", DefaultValueFactory = _ => 99.99 };
        var perChannel = new Option<bool>("--per-channel") { Description = "one weight scale per output channel (static; dynamic always does)" };
        var symmetric = new Option<bool>("--symmetric") { Description = "static: int8 activations with zero point 0" };
        var asymmetric = new Option<bool>("--asymmetric") { Description = "static: uint8 activations with a zero point (the default)" };
        var weightBits = new Option<int>("--weight-bits") { Description = "static: 7 (the AVX2 kernel's fast path, default) or 8 bit weights", DefaultValueFactory = _ => 7 };
        var noActProducts = new Option<bool>("--fp32-activation-products") { Description = "static: keep products of two activations (attention scores) in FP32" };
        var exclude = new Option<string?>("--exclude") { Description = "comma-separated node (or output) names to keep in FP32" };
        var dynamic = new Option<bool>("--dynamic") { Description = "dynamic quantization: weights per channel now, activations per row at run time" };
        var emitOnnx = new Option<string?>("--emit-onnx") { Description = "also write the standard ONNX model (static: QDQ; dynamic: ONNX Runtime's DynamicQuantizeLinear + MatMulInteger form, activations per tensor, which the artifact then matches); loads in ONNX Runtime" };
        var perRow = new Option<bool>("--per-row") { Description = "dynamic with --emit-onnx: write Axon's per-row activation quantization in standard ONNX ops (ReduceMin/Max + MatMulInteger; ONNX Runtime runs it) instead of ONNX Runtime's per-tensor form; more accurate, the same kernels" };
        var autoExclude = new Option<bool>("--auto-exclude") { Description = "dynamic: when below --min-cosine, measure each product's sensitivity and keep the worst in FP32 until the floor is met" };
        var maxExcluded = new Option<int?>("--max-excluded") { Description = "with --auto-exclude: the most products kept in FP32 (default a quarter of them)" };
        var minCosine = new Option<double>("--min-cosine") { Description = "accuracy floor: worst output cosine against FP32", DefaultValueFactory = _ => 0.99 };
        var maxDrop = new Option<double>("--max-top1-drop") { Description = "largest allowed top-1 drop in points (with --labels: accuracy, else disagreement)", DefaultValueFactory = _ => 1.0 };
        var labels = new Option<string?>("--labels") { Description = "one integer class label per line for the calibration samples" };
        var force = new Option<bool>("--force") { Description = "write the model even when it is slower or less accurate than allowed" };
        var smoothQuant = new Option<string?>("--smooth-quant") { Description = "SmoothQuant before quantizing: divide activation channels by s = max|x|^α / max|w|^(1-α), folded into LayerNorm γ/β and the V projection (exact); ALPHA in [0, 1] (default 0.5) or 'auto' (α per activation, searched on --calibration); needs --calibration", Arity = ArgumentArity.ZeroOrOne };
        var threads = new Option<int>("--threads") { Description = "worker threads for the report", DefaultValueFactory = _ => 1 };
        var cmd = new Command("quantize", "Quantize a model to INT8 and prove it helped (report against FP32).\n" +
            "Example: axon quantize model.onnx -o model.int8.axon --calibration samples/ --method entropy --per-channel --emit-onnx model.qdq.onnx\n" +
            "Example: axon quantize bert.onnx --dynamic --auto-exclude --calibration samples/ --emit-onnx bert.int8.onnx\n" +
            "Example: axon quantize bert.onnx --dynamic --smooth-quant 0.5 --calibration samples/ --emit-onnx bert.int8.onnx\n" +
            "Example: axon quantize minilm.onnx --dynamic --emit-onnx minilm.int8.onnx --per-row")
        {
            model, output, calibration, method, percentile, perChannel, symmetric, asymmetric, weightBits, noActProducts, exclude, dynamic, emitOnnx, perRow, autoExclude, maxExcluded, minCosine, maxDrop, labels, force, smoothQuant, threads,
        };
        cmd.SetAction(p =>
        {
            bool isDynamic = p.GetValue(dynamic);
            if (p.GetValue(method) is { } m && m is not ("minmax" or "percentile" or "entropy"))
            {
                throw new UsageException($"--method must be minmax, percentile or entropy, not '{m}'");
            }
            if (p.GetValue(symmetric) && p.GetValue(asymmetric))
            {
                throw new UsageException("--symmetric and --asymmetric exclude each other");
            }
            if (isDynamic && (p.GetValue(method) is not null || p.GetValue(symmetric)))
            {
                throw new UsageException("--method and --symmetric are for static quantization; leave out --dynamic");
            }
            if (!isDynamic && (p.GetValue(autoExclude) || p.GetValue(maxExcluded) is not null))
            {
                throw new UsageException("--auto-exclude and --max-excluded are for --dynamic quantization");
            }
            if (p.GetValue(perRow) && (!isDynamic || p.GetValue(emitOnnx) is null))
            {
                throw new UsageException("--per-row is for --dynamic with --emit-onnx (without --emit-onnx, dynamic quantization is already per row)");
            }
            if (p.GetValue(maxExcluded) is < 1)
            {
                throw new UsageException("--max-excluded must be at least 1");
            }
            if (!isDynamic && p.GetValue(calibration) is null)
            {
                throw new UsageException("static quantization needs --calibration DIR (one sub-folder per sample with <input>.npy files); or use --dynamic");
            }
            if (p.GetValue(weightBits) is not (7 or 8) || p.GetValue(percentile) is not (> 50 and <= 100))
            {
                throw new UsageException("--weight-bits must be 7 or 8 and --percentile in (50, 100]");
            }
            if (p.GetValue(minCosine) is < -1 or > 1 || p.GetValue(maxDrop) < 0)
            {
                throw new UsageException("--min-cosine must be in [-1, 1] and --max-top1-drop at least 0");
            }
            var (smoothOptions, smoothAuto) = SmoothArgs(p.GetResult(smoothQuant) is not null, p.GetValue(smoothQuant), p.GetValue(calibration), excluded: p.GetValue(exclude));
            string path = p.GetValue(model)!;
            var excluded = (p.GetValue(exclude) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            // Dynamic with --emit-onnx: the standard ONNX form (per-tensor activations), so the artifact is that model.
            bool onnxDynamic = isDynamic && p.GetValue(emitOnnx) is not null;
            var request = new QuantizeRequest
            {
                ModelPath = path,
                SamplesDir = p.GetValue(calibration),
                Options = new CompileOptions { Quantize = isDynamic && !onnxDynamic ? QuantizeMode.Dynamic : QuantizeMode.None, PrecisionExclude = isDynamic && !onnxDynamic ? excluded : [] },
                OnnxDynamic = onnxDynamic ? new OnnxDynamicOptions { PerChannel = true, ReduceRange = p.GetValue(weightBits) == 7, Exclude = excluded, PerRow = p.GetValue(perRow) } : null,
                AutoExclude = p.GetValue(autoExclude),
                MaxExcluded = p.GetValue(maxExcluded),
                Static = isDynamic ? null : new StaticQuantizeOptions
                {
                    Method = Calibrators.Parse(p.GetValue(method) ?? "minmax"),
                    Percentile = p.GetValue(percentile),
                    Qdq = new QdqOptions
                    {
                        PerChannel = p.GetValue(perChannel),
                        SymmetricActivations = p.GetValue(symmetric),
                        Exclude = excluded,
                        WeightQMax = p.GetValue(weightBits) == 8 ? 127 : 63,
                        ActivationProducts = !p.GetValue(noActProducts),
                    },
                },
                MinCosine = p.GetValue(minCosine),
                MaxTop1Drop = p.GetValue(maxDrop),
                Labels = CompareCommand.ReadLabels(p.GetValue(labels)),
                Threads = Math.Max(1, p.GetValue(threads)),
                SmoothQuant = smoothOptions,
                SmoothQuantAuto = smoothAuto,
            };
            string? phase = null;
            var result = QuantizeWorkflow.Run(request, (name, _, _) =>
            {
                if (name != phase)
                {
                    phase = name;
                    io.Err.WriteLine(name + " ...");
                }
            });
            int q = result.QuantizedNodes;
            if (result.SmoothQuant is { } sq)
            {
                io.Out.WriteLine($"smooth-quant: {sq.Targets.Count} activation(s) smoothed ({sq.Summary}), alpha {(smoothAuto ? "per activation: " + string.Join(", ", sq.Options.AlphaPerActivation.Select(kv => $"{kv.Key}={kv.Value}")) : sq.Options.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            }
            if (result.Sensitivity is { } sens)
            {
                RenderSensitivity(io, sens, request.MinCosine);
            }
            if (onnxDynamic)
            {
                io.Out.WriteLine($"quantized {q} MatMul(s) to INT8 (dynamic, ONNX form: weights per channel, activations per {(p.GetValue(perRow) ? "row" : "tensor")})");
            }
            else if (isDynamic)
            {
                io.Out.WriteLine($"quantized {q} matrix product(s) to INT8 (dynamic: weights per channel, activations per row)");
            }
            else
            {
                var st = request.Static!;
                io.Out.WriteLine($"quantized {q} Conv/MatMul/Gemm node(s) to INT8 (static, {st.Method.ToString().ToLowerInvariant()} calibration: " +
                    $"{(st.Qdq.SymmetricActivations ? "int8 symmetric" : "uint8 asymmetric")} activations, weights {(st.Qdq.PerChannel ? "per channel" : "per tensor")})");
            }
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
            if (p.GetValue(emitOnnx) is { } onnxPath && result.QdqModel is { } qdq)
            {
                OnnxModel.Save(qdq, onnxPath);
                io.Out.WriteLine($"wrote {onnxPath} ({(onnxDynamic ? "dynamic" : "QDQ")} ONNX)");
            }
            return CliHost.Ok;
        });
        return cmd;
    }

    /// <summary>--smooth-quant [ALPHA|auto]: the options, or a usage error.</summary>
    private static (SmoothQuantOptions?, bool) SmoothArgs(bool given, string? value, string? calibration, string? excluded)
    {
        if (!given)
        {
            return (null, false);
        }
        if (calibration is null)
        {
            throw new UsageException("--smooth-quant needs --calibration DIR (the samples whose activation channels it measures)");
        }
        bool auto = value == "auto";
        double alpha = 0.5;
        if (value is not null && !auto && !(double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out alpha) && alpha is >= 0 and <= 1))
        {
            throw new UsageException($"--smooth-quant takes an alpha in [0, 1] or 'auto', not '{value}'");
        }
        var exclude = (excluded ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (new SmoothQuantOptions { Alpha = alpha, Exclude = exclude }, auto);
    }

    private static void RenderSensitivity(CliIO io, SensitivityResult s, double target)
    {
        io.Out.WriteLine($"sensitivity: worst cosine {s.Baseline:F5} with every product in INT8 (floor {target})");
        if (s.Rows.Count == 0)
        {
            return;
        }
        io.Out.WriteLine("  product kept in FP32 alone        worst cosine    gain");
        foreach (var row in s.Rows)
        {
            io.Out.WriteLine($"  {row.Name,-32} {row.ScoreWhenExcluded,12:F5} {row.Gain,9:F5}{(s.Excluded.Contains(row.Name) ? "  excluded" : "")}");
        }
        io.Out.WriteLine($"kept {s.Excluded.Count} product(s) in FP32: {string.Join(", ", s.Excluded)}; worst cosine {s.Final:F5} ({(s.MetTarget ? "floor met" : "floor NOT met")})");
    }
}
