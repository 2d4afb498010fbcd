using System.CommandLine;
using System.Diagnostics;
using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Compiler.Lowering;
using Axon.Graph.Reference;
using Axon.Onnx;

namespace Axon.Cli.Commands;

/// <summary><c>axon compile MODEL.onnx -o MODEL.axon [-O0..3] [--batch-sizes 1,4] ...</c>: optimize, plan and package a model.</summary>
internal static class CompileCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string?>("model") { Description = "the .onnx model to compile", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string?>("--output", "-o") { Description = "where to write the .axon artifact (default: MODEL with .axon)" };
        var level = new Option<int>("--opt-level", "-O") { Description = "optimization level 0-3", DefaultValueFactory = _ => 2 };
        var batch = new Option<string?>("--batch-sizes") { Description = "batch sizes to plan, e.g. 1,4,8" };
        var dynamic = new Option<bool>("--dynamic-batch") { Description = "plan for any batch size at run time" };
        var buckets = new Option<string[]>("--buckets") { Description = "shape buckets per symbolic dim, e.g. seq=32,64,128", Arity = ArgumentArity.ZeroOrMore };
        var target = new Option<string>("--target") { Description = "cpu, or a device to project onto beside the CPU artifact: inf1|inf2|trn1|trn2|t4|a10g|l4|a100|h100", DefaultValueFactory = _ => "cpu" };
        var autoCast = new Option<string>("--auto-cast") { Description = "none|matmult|all", DefaultValueFactory = _ => "none" };
        var castType = new Option<string>("--auto-cast-type") { Description = "bf16|fp16", DefaultValueFactory = _ => "bf16" };
        var rounding = new Option<string>("--rounding") { Description = "auto-cast rounding: nearest|stochastic (seeded)", DefaultValueFactory = _ => "nearest" };
        var cache = new Option<string?>("--cache-dir") { Description = "compile cache folder (default: $AXON_CACHE_DIR)" };
        var dumpAfter = new Option<string[]>("--dump-after") { Description = "print the IR after these passes (or 'all')", Arity = ArgumentArity.ZeroOrMore };
        var stats = new Option<bool>("--print-pass-stats") { Description = "print what each pass changed" };
        var list = new Option<bool>("--list-operators") { Description = "print every supported operator and exit" };
        var cmd = new Command("compile", "Optimize a model and write the .axon compiled artifact")
        {
            model, output, level, batch, dynamic, buckets, target, autoCast, castType, rounding, cache, dumpAfter, stats, list,
        };
        cmd.SetAction(p =>
        {
            if (p.GetValue(list))
            {
                return ListOperators(io);
            }
            string path = p.GetValue(model) ?? throw new UsageException("compile needs a model file (or --list-operators)");
            var options = new CompileOptions
            {
                OptLevel = p.GetValue(level) is >= 0 and <= 3 and var l ? l : throw new UsageException("-O must be 0, 1, 2 or 3"),
                BatchSizes = ParseInts(p.GetValue(batch), "--batch-sizes"),
                DynamicBatch = p.GetValue(dynamic),
                Buckets = ParseBuckets(p.GetValue(buckets) ?? []),
                Target = "cpu", // the artifact always holds the CPU plan; other targets are projected (CompileProjection)
                AutoCast = p.GetValue(autoCast) switch
                {
                    "none" => AutoCast.None,
                    "matmult" => AutoCast.MatMult,
                    "all" => AutoCast.All,
                    var v => throw new UsageException($"--auto-cast must be none, matmult or all, not '{v}'"),
                },
                AutoCastType = p.GetValue(castType) switch
                {
                    "bf16" => CastType.BFloat16,
                    "fp16" => CastType.Float16,
                    var v => throw new UsageException($"--auto-cast-type must be bf16 or fp16, not '{v}'"),
                },
                CastRounding = p.GetValue(rounding) switch
                {
                    "nearest" => CastRounding.Nearest,
                    "stochastic" => CastRounding.Stochastic,
                    var v => throw new UsageException($"--rounding must be nearest or stochastic, not '{v}'"),
                },
                DumpAfter = p.GetValue(dumpAfter) ?? [],
            };
            string projectOn = p.GetValue(target) ?? "cpu";
            var catalog = projectOn == "cpu" ? null : Axon.Targets.TargetCatalog.Load();
            var device = catalog?.Target(projectOn); // unknown targets fail before compiling
            int rc = Compile(io, path, p.GetValue(output), options, p.GetValue(cache) ?? Environment.GetEnvironmentVariable("AXON_CACHE_DIR"), p.GetValue(stats));
            return rc == CliHost.Ok && catalog is not null ? CompileProjection.Print(io, catalog, projectOn, path, options) : rc;
        });
        return cmd;
    }

    private static int Compile(CliIO io, string path, string? output, CompileOptions options, string? cacheDir, bool printStats)
    {
        var sw = Stopwatch.StartNew();
        // A cache hit needs only the file's content hash (streamed): the model is read and parsed only on a miss.
        var result = Rendering.PassProgress.Run(io, progress =>
        {
            if (cacheDir is not null && File.Exists(path) && Compiler.Compiler.TryLoadCachedFile(path, options, cacheDir, progress) is { } hit)
            {
                return hit;
            }
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AxonModelException($"cannot read model '{path}': {e.Message}", "AXON170", e);
            }
            return Compiler.Compiler.Compile(OnnxModel.Load(bytes, Path.GetDirectoryName(Path.GetFullPath(path))), options, bytes, cacheDir, progress);
        });
        output ??= Path.ChangeExtension(path, ".axon");
        if (result.CacheHit && result.CachePath is { } cached)
        {
            // The cached file is already the artifact: copy it (atomically) instead of serializing it again.
            string tmp = output + ".tmp-" + Environment.ProcessId;
            File.Copy(cached, tmp, overwrite: true);
            File.Move(tmp, output, overwrite: true);
        }
        else
        {
            AxonFile.Save(result.Model, output);
        }
        var m = result.Model.Metadata;
        io.Out.WriteLine(result.CacheHit ? $"cache hit: {result.CachePath}" : $"compiled at -O{options.OptLevel}");
        io.Out.WriteLine($"nodes: {m.NodesBefore} -> {m.NodesAfter}");
        foreach (var prof in m.Profiles)
        {
            io.Out.WriteLine($"profile {string.Join(" ", prof.InputShapes.Select(kv => kv.Key + "=" + string.Join("x", kv.Value)))}: " +
                $"activations {prof.PeakActivationBytes:N0} B planned vs {prof.NaiveActivationBytes:N0} B naive, " +
                $"{prof.Nodes.Count(n => n.Kernel != "reference" && n.Kernel != "alias")} fast kernels, {prof.Nodes.Count(n => n.Kernel == "reference")} reference");
        }
        if (printStats)
        {
            foreach (var t in result.Timings)
            {
                io.Out.WriteLine($"  {t.Pass,-28} {t.Elapsed.TotalMilliseconds,8:F2} ms{(t.Changed ? "  changed" : "")}");
            }
            foreach (var (pass, counts) in m.PassStats)
            {
                io.Out.WriteLine($"  {pass}: {string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}"))}");
            }
        }
        io.Out.WriteLine($"wrote {output} in {sw.Elapsed.TotalMilliseconds:F0} ms");
        return CliHost.Ok;
    }

    private static int ListOperators(CliIO io)
    {
        var fast = KernelRegistry.Ops.ToHashSet(StringComparer.Ordinal);
        io.Out.WriteLine($"{"operator",-40} {"opsets",-8} implementation");
        foreach (var (domain, op, opsets) in SupportCheck.Operators())
        {
            string name = domain.Length > 0 ? $"{domain}:{op}" : op;
            io.Out.WriteLine($"{name,-40} {opsets,-8} {(fast.Contains(name) ? "fast kernel + reference" : "reference")}");
        }
        return CliHost.Ok;
    }

    private static int[] ParseInts(string? s, string flag)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            return [];
        }
        var parts = s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(x => int.TryParse(x, out int v) && v > 0 ? v : throw new UsageException($"{flag}: '{x}' is not a positive integer")).ToArray();
    }

    private static Dictionary<string, int[]> ParseBuckets(string[] specs)
    {
        var d = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--buckets: '{spec}' is not NAME=SIZES");
            }
            d[spec[..eq]] = ParseInts(spec[(eq + 1)..], "--buckets").Order().ToArray();
        }
        return d;
    }
}
