using System.CommandLine;
using System.Text.Json;
using Axon.Cli.Rendering;
using Axon.Cli.Running;
using Axon.Graph;
using Axon.Onnx;
using Axon.Runtime.Profiling;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon profile MODEL [--input NAME=x.npy] [--dim NAME=N] [--threads N] [--iterations K] [--trace trace.json]</c>:
/// runs the compiled path with per-node timing, prints where the time goes by op type and by node against this
/// machine's peaks, and writes a Chrome trace.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "an .onnx model (compiled at -O2 first) or a .axon artifact" };
        var inputs = new Option<string[]>("--input", "-i") { Description = "NAME=FILE.npy for every input; without it inputs are generated from the signature", Arity = ArgumentArity.ZeroOrMore };
        var dims = new Option<string[]>("--dim") { Description = "bind a symbolic dimension for generated inputs, e.g. --dim sequence=128 (unbound ones are 1)", Arity = ArgumentArity.ZeroOrMore };
        var threads = new Option<int>("--threads") { Description = "kernel threads", DefaultValueFactory = _ => Environment.ProcessorCount };
        var iterations = new Option<int>("--iterations") { Description = "profiled runs", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup") { Description = "unprofiled runs first", DefaultValueFactory = _ => 2 };
        var trace = new Option<string?>("--trace") { Description = "write a Chrome trace-event JSON (open in Perfetto or chrome://tracing)" };
        var json = new Option<string?>("--json") { Description = "write the summary (by op, by node, coverage, peaks) as JSON" };
        var top = new Option<int>("--top") { Description = "nodes listed in the by-node table", DefaultValueFactory = _ => 15 };
        var remeasure = new Option<bool>("--remeasure-peaks") { Description = "measure the machine peaks again instead of using ~/.cache/axon/peaks.json" };
        var cmd = new Command("profile", "Time every node of a model, summarize by op and node against the machine's peaks, write a Chrome trace. " +
                                         "Example: axon profile model.onnx --dim batch=1 --dim sequence=128 --trace trace.json")
        {
            model, inputs, dims, threads, iterations, warmup, trace, json, top, remeasure,
        };
        cmd.SetAction(p =>
        {
            int th = p.GetValue(threads) is >= 1 and <= 1024 and var t ? t : throw new UsageException("--threads must be between 1 and 1024");
            int it = p.GetValue(iterations) is >= 1 and var i ? i : throw new UsageException("--iterations must be at least 1");
            int wu = p.GetValue(warmup) is >= 0 and var w ? w : throw new UsageException("--warmup must be 0 or more");
            return Profile(io, p.GetValue(model)!, p.GetValue(inputs) ?? [], ParseDims(p.GetValue(dims) ?? []), th, it, wu,
                p.GetValue(trace), p.GetValue(json), Math.Max(1, p.GetValue(top)), p.GetValue(remeasure));
        });
        return cmd;
    }

    private static int Profile(CliIO io, string path, string[] inputArgs, Dictionary<string, int> dims, int threads, int iterations, int warmup,
        string? tracePath, string? jsonPath, int top, bool remeasure)
    {
        var model = InspectArtifact.IsArtifact(path)
            ? Compiler.Compiler.ToModel(Compiler.Artifact.AxonFile.Load(path))
            : Compiler.Passes.Pipelines.For(2).Run(OnnxModel.Load(path));
        var assignments = InputBinder.ParseAssignments(inputArgs);
        var feeds = assignments.Count > 0
            ? InputBinder.Bind(model.Graph, assignments).ToDictionary(kv => kv.Key, kv => kv.Value as Tensor
                ?? throw new AxonInputException($"input '{kv.Key}' must be a tensor", "AXON208"))
            : Generate(model.Graph, dims);
        var peaks = MachinePeaks.Load(remeasure: remeasure);
        using var pool = new Kernels.Threading.WorkerPool(threads);
        using var session = new Runtime.InferenceSession(model, pool);
        var report = Profiler.Profile(session, feeds, iterations, warmup, threads, peaks);
        ProfileTables.Print(io.Out, report, top);
        if (tracePath is not null)
        {
            using var f = File.Create(tracePath);
            ChromeTrace.Write(report, f, Path.GetFileName(path));
            io.Out.WriteLine($"trace: {tracePath} ({report.Spans.Count} events; open in https://ui.perfetto.dev or chrome://tracing)");
        }
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(ProfileTables.Summary(report), new JsonSerializerOptions { WriteIndented = true }));
        }
        return CliHost.Ok;
    }

    /// <summary>Inputs from the signature: floats uniform in [-1, 1), integers 1 (a valid id, type and mask everywhere), bools true.</summary>
    private static Dictionary<string, Tensor> Generate(Graph.Graph g, Dictionary<string, int> dims)
    {
        var rng = new Random(1);
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var vi in g.RuntimeInputs)
        {
            if (vi.Type.Kind != TypeKind.Tensor || !vi.Type.Shape.HasRank)
            {
                throw new UsageException($"input '{vi.Name}' has no fixed rank; give it with --input {vi.Name}=FILE.npy");
            }
            var shape = vi.Type.Shape.Dims.Select(d => d.IsKnown ? (int)d.Value : d.Symbol is { } s && dims.TryGetValue(s, out int v) ? v : 1).ToArray();
            int n = shape.Aggregate(1, (a, b) => checked(a * b));
            feeds[vi.Name] = vi.Type.ElemType switch
            {
                DType.Float32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), shape),
                DType.Int64 => Tensor.FromArray(Enumerable.Repeat(1L, n).ToArray(), shape),
                DType.Int32 => Tensor.FromArray(Enumerable.Repeat(1, n).ToArray(), shape),
                DType.Bool => Tensor.FromArray(Enumerable.Repeat(true, n).ToArray(), shape),
                var t => throw new UsageException($"input '{vi.Name}' is {t.OnnxName()}; give it with --input {vi.Name}=FILE.npy"),
            };
        }
        return feeds;
    }

    private static Dictionary<string, int> ParseDims(string[] specs)
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in specs)
        {
            int eq = s.IndexOf('=');
            if (eq <= 0 || !int.TryParse(s.AsSpan(eq + 1), out int v) || v < 1)
            {
                throw new UsageException($"--dim '{s}' is not NAME=N with N a positive integer");
            }
            d[s[..eq]] = v;
        }
        return d;
    }
}
