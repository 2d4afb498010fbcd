using System.CommandLine;
using System.Text.Json;
using Axon.Cli.Rendering;
using Axon.Kernels.Cpu;
using Axon.Runtime;
using Axon.Runtime.Profiling;
using Spectre.Console;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon ls [MODEL...] [--replicated] [--peaks [--remeasure]] [--json]</c>: the logical cores the runtime would own (from
/// <c>AXON_VISIBLE_CORES</c> / <c>AXON_NUM_CORES</c>), the CPU features detected, the measured peaks and, for the models given, where they
/// are placed and what memory they account.
/// </summary>
internal static class LsCommand
{
    public static Command Create(CliIO io)
    {
        var models = new Argument<string[]>("models") { Description = "models to load and show placed (optional)", Arity = ArgumentArity.ZeroOrMore };
        var replicated = new Option<bool>("--replicated") { Description = "place the given models one replica per core (default: one core group)" };
        var json = new Option<bool>("--json") { Description = "print JSON instead of a table" };
        var peaks = new Option<bool>("--peaks") { Description = "show this machine's FMA GFLOP/s and memory GB/s (measured once, cached in ~/.cache/axon/peaks.json; axon profile judges nodes against them)" };
        var remeasure = new Option<bool>("--remeasure") { Description = "with --peaks: measure again and refresh the cache" };
        var cmd = new Command("ls", "List logical cores, CPU features, the machine's measured peaks and placed models.\n" +
            "Example: AXON_VISIBLE_CORES=0-1 axon ls model.onnx --peaks --json")
        {
            models, replicated, json, peaks, remeasure,
        };
        cmd.SetAction(p =>
        {
            if (p.GetValue(remeasure) && !p.GetValue(peaks))
            {
                throw new UsageException("--remeasure applies to --peaks; add --peaks");
            }
            var measured = p.GetValue(peaks) ? MachinePeaks.Load(remeasure: p.GetValue(remeasure)) : null;
            return List(io, p.GetValue(models) ?? [], p.GetValue(replicated), p.GetValue(json), measured);
        });
        return cmd;
    }

    /// <summary>The CPU features: the kernel library's list plus AMX read from /proc/cpuinfo (.NET exposes no AMX class).</summary>
    internal static List<string> Features()
    {
        var f = CpuFeatures.Names().ToList();
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
                var set = flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                if (set.Contains("amx_tile"))
                {
                    f.Add("AMX-TILE");
                }
                if (set.Contains("amx_bf16"))
                {
                    f.Add("AMX-BF16");
                }
                if (set.Contains("amx_int8"))
                {
                    f.Add("AMX-INT8");
                }
            }
        }
        catch (IOException)
        {
        }
        return f;
    }

    private static int List(CliIO io, string[] paths, bool replicated, bool json, MachinePeaks? peaks)
    {
        using var rt = new AxonRuntime();
        var handles = paths.Select(p => rt.Load(p, new ModelOptions { Placement = replicated ? Placement.Replicated : Placement.CoreGroup })).ToList();
        var features = Features();
        if (json)
        {
            var doc = new
            {
                processor_count = Environment.ProcessorCount,
                cores = rt.Cores.Select(c => new { id = c.Id, models = c.Models, memory_bytes = c.MemoryBytes }),
                features,
                kernel_tier = CpuFeatures.BestTier.ToString(),
                cache = new { l1d = CpuFeatures.L1DataBytes, l2 = CpuFeatures.L2Bytes, l3 = CpuFeatures.L3Bytes },
                peaks = peaks is null ? null : new
                {
                    gflops_per_thread = Math.Round(peaks.GflopsPerThread, 2),
                    gflops_all_threads = Math.Round(peaks.Gflops(peaks.Processors), 2),
                    memory_gbps = Math.Round(peaks.MemoryGBps, 2),
                    ridge_flops_per_byte = Math.Round(peaks.RidgePoint(1), 3),
                    processors = peaks.Processors,
                    measured_utc = peaks.MeasuredUtc,
                    cache_file = MachinePeaks.DefaultPath,
                },
                models = handles.Select(h => new
                {
                    name = h.Name,
                    version = h.Version,
                    placement = h.Placement == Placement.Replicated ? "replicated" : "core-group",
                    replicas = h.ReplicaCores.Select(r => r.Select(c => c.Id)),
                    weight_bytes = h.WeightBytes,
                    arena_bytes = h.ArenaBytes,
                    memory_bytes = h.MemoryBytes,
                }),
            };
            io.Out.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
            return CliHost.Ok;
        }
        var console = Consoles.For(io.Out);
        console.WriteLine($"processors: {Environment.ProcessorCount}   kernel tier: {CpuFeatures.BestTier}   " +
            $"caches: L1d {CpuFeatures.L1DataBytes / 1024} KiB, L2 {CpuFeatures.L2Bytes / 1024} KiB, L3 {CpuFeatures.L3Bytes / 1024 / 1024} MiB");
        console.WriteLine($"features:   {(features.Count == 0 ? "(none)" : string.Join(", ", features))}");
        if (peaks is not null)
        {
            console.WriteLine(FormattableString.Invariant($"peaks:      {peaks.GflopsPerThread:0.0} GFLOP/s FP32 FMA per thread ({peaks.Gflops(peaks.Processors):0.0} on {peaks.Processors}), {peaks.MemoryGBps:0.0} GB/s memory copy, ridge {peaks.RidgePoint(1):0.0} FLOP/byte per thread"));
            console.WriteLine(FormattableString.Invariant($"            measured {peaks.MeasuredUtc.UtcDateTime:yyyy-MM-dd HH:mm} UTC, cached in {MachinePeaks.DefaultPath} (--remeasure to refresh)"));
        }
        var cores = new Table().AddColumns("core", "models", "memory");
        foreach (var c in rt.Cores)
        {
            cores.AddRow(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Models.Count == 0 ? "-" : string.Join(", ", c.Models)), ValueFormat.Bytes(c.MemoryBytes));
        }
        console.Write(cores);
        if (handles.Count > 0)
        {
            var t = new Table().AddColumns("model", "placement", "replicas (cores)", "weights", "arena/replica", "total");
            foreach (var h in handles)
            {
                t.AddRow(Markup.Escape($"{h.Name}:{h.Version}"), h.Placement == Placement.Replicated ? "replicated" : "core-group",
                    Markup.Escape(string.Join(" ", h.ReplicaCores.Select(r => "[" + string.Join(",", r.Select(c => c.Id)) + "]"))),
                    ValueFormat.Bytes(h.WeightBytes), ValueFormat.Bytes(h.ArenaBytes), ValueFormat.Bytes(h.MemoryBytes));
            }
            console.Write(t);
        }
        return CliHost.Ok;
    }
}
