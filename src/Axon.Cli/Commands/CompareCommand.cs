using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Axon.Kernels.Threading;
using Axon.Runtime;
using Axon.Runtime.Precision;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon compare A B --inputs DIR [--labels FILE] [--json out.json]</c>: runs two models (.onnx or .axon, any precision)
/// on the same samples and reports, per output, the worst cosine and the largest absolute and relative errors, plus top-1
/// agreement (and accuracy with labels) for classifiers.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliIO io)
    {
        var a = new Argument<string>("a") { Description = "the reference model (.onnx or .axon)" };
        var b = new Argument<string>("b") { Description = "the model to check against it (.onnx or .axon)" };
        var inputs = new Option<string?>("--inputs") { Description = "folder with one sub-folder per sample, each with <input name>.npy per model input" };
        var labels = new Option<string?>("--labels") { Description = "text file with one integer class label per line (one per output row)" };
        var json = new Option<string?>("--json") { Description = "also write the report as JSON" };
        var threads = new Option<int>("--threads") { Description = "worker threads", DefaultValueFactory = _ => 1 };
        var cmd = new Command("compare", "Compare two models' outputs on the same inputs (accuracy of a quantized or auto-cast model)")
        {
            a, b, inputs, labels, json, threads,
        };
        cmd.SetAction(p =>
        {
            string dir = p.GetValue(inputs) ?? throw new UsageException("compare needs --inputs DIR (one sub-folder per sample with <input>.npy files)");
            var ma = PrecisionModels.Load(p.GetValue(a)!);
            var mb = PrecisionModels.Load(p.GetValue(b)!);
            var samples = SampleSet.Load(dir, ma.Graph.RuntimeInputs);
            using var pool = new WorkerPool(Math.Max(1, p.GetValue(threads)));
            using var sa = new InferenceSession(ma, pool);
            using var sb = new InferenceSession(mb, pool);
            var report = ModelComparer.Compare(sa, sb, samples, ReadLabels(p.GetValue(labels)));
            Render(io, report, "A", "B");
            WriteJson(p.GetValue(json), report);
            return CliHost.Ok;
        });
        return cmd;
    }

    internal static IReadOnlyList<int>? ReadLabels(string? path)
    {
        if (path is null)
        {
            return null;
        }
        if (!File.Exists(path))
        {
            throw new AxonInputException($"labels file '{path}' does not exist", "AXQ005");
        }
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        return lines.Select((l, i) => int.TryParse(l, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new AxonInputException($"labels file '{path}' line {i + 1}: '{l}' is not an integer class", "AXQ005")).ToList();
    }

    internal static void WriteJson(string? path, ComparisonReport report)
    {
        if (path is not null)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    internal static void Render(CliIO io, ComparisonReport r, string nameA, string nameB)
    {
        io.Out.WriteLine($"{r.Samples} sample(s); worst sample per output ({nameB} against {nameA}):");
        io.Out.WriteLine($"  {"output",-28} {"cosine",10} {"max_abs",12} {"max_rel",12}");
        foreach (var o in r.Outputs)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {o.Name,-28} {o.Cosine,10:F6} {o.MaxAbs,12:G4} {o.MaxRel,12:G4}"));
        }
        if (r.Top1Agreement is { } agree)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  top-1 agreement {100 * agree:F2}%"));
        }
        if (r.AccuracyA is { } accA && r.AccuracyB is { } accB)
        {
            io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  top-1 accuracy {nameA} {100 * accA:F2}%, {nameB} {100 * accB:F2}% ({100 * (accB - accA):+0.00;-0.00} points)"));
        }
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  latency per sample: {nameA} {r.LatencyA:F3} ms, {nameB} {r.LatencyB:F3} ms ({(r.LatencyB > 0 ? r.LatencyA / r.LatencyB : 0):F2}x)"));
    }
}
