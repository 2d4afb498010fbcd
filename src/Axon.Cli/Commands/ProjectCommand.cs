using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Axon.Targets;
using Axon.Targets.Calibration;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon project MODEL --instances inf2.xlarge,g5.xlarge --batch-sizes 1,8,32 [--precision bf16] [--dim seq=128]
/// [--json out.json] [--report chart.png]</c>: whole-instance throughput and latency from the device models.
/// <c>axon project --benchmarks</c> prints the calibration table; <c>--calibrate</c> re-fits the factors.
/// </summary>
internal static class ProjectCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string?>("model") { Description = "the .onnx model (or zoo:resnet50)", Arity = ArgumentArity.ZeroOrOne };
        var instances = new Option<string?>("--instances") { Description = "instance types, e.g. inf2.xlarge,trn1.2xlarge,g5.xlarge" };
        var targets = new Option<string?>("--target") { Description = "targets instead of instances: inf1,inf2,trn1,trn2,t4,a10g,l4,a100,h100" };
        var batches = new Option<string?>("--batch-sizes") { Description = "batch sizes, e.g. 1,8,32 (default 1,8,32)" };
        var precision = new Option<string>("--precision") { Description = "fp32|tf32|bf16|fp16|fp8|int8", DefaultValueFactory = _ => "bf16" };
        var dims = new Option<string[]>("--dim") { Description = "symbolic input dims, e.g. seq=128", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<string?>("--json") { Description = "write the projections as JSON to this file" };
        var report = new Option<string?>("--report") { Description = "write a throughput chart (PNG)" };
        var nodes = new Option<int>("--nodes") { Description = "also print the N slowest nodes of each projection", DefaultValueFactory = _ => 0 };
        var catalog = new Option<string?>("--catalog") { Description = "catalog file overriding the built-in one (default: $AXON_CATALOG)" };
        var bench = new Option<bool>("--benchmarks") { Description = "print the published benchmark rows with the model's projections and errors" };
        var calibrate = new Option<bool>("--calibrate") { Description = "re-fit each device generation's factors on the calibration rows and print them" };
        var cmd = new Command("project", "Project throughput and latency of a model on AWS Inferentia/Trainium and GPU instances")
        {
            model, instances, targets, batches, precision, dims, json, report, nodes, catalog, bench, calibrate,
        };
        cmd.SetAction(p =>
        {
            var cat = TargetCatalog.Load(p.GetValue(catalog));
            if (p.GetValue(bench) || p.GetValue(calibrate))
            {
                return Benchmarks(io, cat, p.GetValue(calibrate));
            }
            string path = p.GetValue(model) ?? throw new UsageException("project needs a model (or --benchmarks)");
            var (m, name) = TargetsSupport.LoadModel(path);
            var projector = new Projector(cat);
            var insts = (p.GetValue(instances) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(cat.Instance).ToList();
            insts.AddRange((p.GetValue(targets) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(cat.DefaultInstance));
            if (insts.Count == 0)
            {
                insts = new[] { "inf2.xlarge", "trn1.2xlarge", "g5.xlarge" }.Select(cat.Instance).ToList();
            }
            var sizes = TargetsSupport.Ints(p.GetValue(batches), "--batch-sizes", [1, 8, 32]);
            var d = TargetsSupport.Dims(p.GetValue(dims));
            var prepared = Projector.Prepare(m, 2, name);
            var results = new List<InstanceProjection>();
            io.Out.WriteLine($"{"instance",-16} {"target",-14} {"batch",5} {"prec",5} {"throughput/s",13} {"latency ms",11} {"band",5} {"bound",-9} {"util",6}");
            foreach (var inst in insts)
            {
                foreach (int b in sizes)
                {
                    var r = projector.ProjectInstance(prepared, inst, b, p.GetValue(precision)!, d);
                    results.Add(r);
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Instance,-16} {r.Target,-14} {r.BatchSize,5} {r.Precision,5} {(r.Fits ? r.Throughput.ToString("F1", CultureInfo.InvariantCulture) : "no fit"),13} {r.LatencyMs,11:F3} {TargetsSupport.Band(r.ErrorBand),5} {r.Bound.ToString().ToLowerInvariant(),-9} {r.Utilization,6:P1}"));
                    foreach (var n in (r.Core?.Nodes ?? []).OrderByDescending(n => n.TimeUs).Take(p.GetValue(nodes)))
                    {
                        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {n.Node,-48} {n.Op,-20} {n.TimeUs,10:F1} us {n.Bound.ToString().ToLowerInvariant(),-9} {n.Utilization,6:P1}"));
                    }
                }
            }
            foreach (var note in results.SelectMany(r => r.Notes.Select(n => $"{r.Instance}: {n}")).Distinct())
            {
                io.Out.WriteLine("note: " + note);
            }
            if (p.GetValue(json) is { } jsonPath)
            {
                WriteJson(jsonPath, name, results);
                io.Out.WriteLine($"wrote {jsonPath}");
            }
            if (p.GetValue(report) is { } png)
            {
                ProjectionChart.Write(png, name, results);
                io.Out.WriteLine($"wrote {png}");
            }
            return CliHost.Ok;
        });
        return cmd;
    }

    private static void WriteJson(string path, string model, IReadOnlyList<InstanceProjection> results)
    {
        var entries = results.Select(r => new Dictionary<string, object?>
        {
            ["model"] = model,
            ["instance"] = r.Instance,
            ["target"] = r.Target,
            ["batch_size"] = r.BatchSize,
            ["precision"] = r.Precision,
            ["throughput"] = Math.Round(r.Throughput, 3),
            ["latency_ms"] = Math.Round(r.LatencyMs, 6),
            ["bound"] = r.Bound.ToString().ToLowerInvariant(),
            ["error_band"] = r.ErrorBand,
            ["replicas"] = r.Replicas,
            ["utilization"] = Math.Round(r.Utilization, 4),
            ["fits"] = r.Fits,
            ["notes"] = r.Notes,
        }).ToList();
        File.WriteAllText(path, JsonSerializer.Serialize(entries, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static int Benchmarks(CliIO io, TargetCatalog cat, bool calibrate)
    {
        if (calibrate)
        {
            foreach (var id in cat.Benchmarks.Select(r => cat.DeviceOf(cat.Instance(r.Instance)).Id).Distinct())
            {
                var c = Calibrator.Fit(cat, id);
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{id}: tensor_efficiency={c.TensorEfficiency:0.###} node_overhead_us={c.NodeOverheadUs:0.##} inference_overhead_us={c.InferenceOverheadUs:0.#} compute_efficiency={c.ComputeEfficiency:0.###} memory_efficiency={c.MemoryEfficiency:0.###} launch_overhead_us={c.LaunchOverheadUs:0.##}"));
            }
            return CliHost.Ok;
        }
        io.Out.Write(BenchmarkSuite.Markdown(BenchmarkSuite.Run(cat)));
        return CliHost.Ok;
    }
}
