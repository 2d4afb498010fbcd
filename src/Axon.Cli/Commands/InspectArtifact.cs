using System.Text.Json;
using System.Text.Json.Nodes;
using Axon.Cli.Rendering;
using Axon.Compiler.Artifact;
using Axon.Graph;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon inspect MODEL.axon</c>: what the compiler did - op counts before and after, fused groups, the memory plan,
/// FLOPs, bytes and precision per node, and the batch profiles. <c>--json</c> gives the same as one JSON document.
/// </summary>
internal static class InspectArtifact
{
    /// <summary>True when the file starts with the .axon magic (so a renamed artifact is still recognized).</summary>
    public static bool IsArtifact(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> head = stackalloc byte[8];
            return f.Read(head) == 8 && head.SequenceEqual("AXONNEFF"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static int Inspect(CliIO io, string path, bool json, bool allNodes)
    {
        var compiled = AxonFile.Load(path);
        var m = compiled.Metadata;
        if (json)
        {
            io.Out.WriteLine(ToJson(compiled).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return CliHost.Ok;
        }
        var o = io.Out;
        o.WriteLine($"artifact:     {path}");
        o.WriteLine($"compiler:     {m.CompilerVersion}  (-O{m.Options.OptLevel}, target {m.Options.Target}, auto-cast {m.Options.AutoCast})");
        o.WriteLine($"nodes:        {m.NodesBefore} -> {m.NodesAfter} ({(m.NodesBefore == 0 ? 0 : 100.0 * m.NodesAfter / m.NodesBefore):F0}% left)");
        o.WriteLine("ops:                                   before  after");
        foreach (var op in m.OpHistogramBefore.Keys.Union(m.OpHistogramAfter.Keys)
                     .OrderByDescending(k => Math.Max(m.OpHistogramBefore.GetValueOrDefault(k), m.OpHistogramAfter.GetValueOrDefault(k))).ThenBy(k => k, StringComparer.Ordinal))
        {
            o.WriteLine($"  {op,-34} {m.OpHistogramBefore.GetValueOrDefault(op),6} {m.OpHistogramAfter.GetValueOrDefault(op),6}");
        }
        var groups = FusedGroups(compiled.Graph).ToList();
        o.WriteLine($"fused groups: {groups.Count}");
        foreach (var (name, op, detail) in groups.Take(allNodes ? int.MaxValue : 20))
        {
            o.WriteLine($"  {op,-22} {name}{(detail.Length > 0 ? "  " + detail : "")}");
        }
        if (!allNodes && groups.Count > 20)
        {
            o.WriteLine($"  ... {groups.Count - 20} more (--all)");
        }
        if (m.PassStats.Count > 0)
        {
            o.WriteLine("passes:");
            foreach (var (pass, counts) in m.PassStats)
            {
                o.WriteLine($"  {pass,-22} {string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}"))}");
            }
        }
        if (m.Profiles.Count == 0)
        {
            o.WriteLine("profiles:     none (dynamic batch: planned at run time)");
        }
        foreach (var p in m.Profiles)
        {
            o.WriteLine($"profile {Shapes(p)}:");
            o.WriteLine($"  memory plan:  {ValueFormat.Bytes(p.PeakActivationBytes)} arena vs {ValueFormat.Bytes(p.NaiveActivationBytes)} naive " +
                        $"({(p.NaiveActivationBytes == 0 ? 0 : 100.0 * p.PeakActivationBytes / p.NaiveActivationBytes):F0}%), {p.Buffers.Count} buffers");
            o.WriteLine($"  flops:        {(p.Flops < 0 ? "unknown" : ValueFormat.Si(p.Flops, "FLOPs"))}");
            var kernels = p.Nodes.GroupBy(n => n.Kernel == "reference" ? "reference" : n.Kernel == "alias" ? "alias" : "fast").ToDictionary(g => g.Key, g => g.Count());
            o.WriteLine($"  kernels:      {kernels.GetValueOrDefault("fast")} fast, {kernels.GetValueOrDefault("reference")} reference, {kernels.GetValueOrDefault("alias")} views");
            var shown = allNodes ? p.Nodes : p.Nodes.OrderByDescending(n => n.Flops).Take(15).ToList();
            o.WriteLine(allNodes ? "  nodes:" : "  top nodes by FLOPs (--all for every node):");
            o.WriteLine($"    {"node",-36} {"op",-20} {"kernel",-28} {"FLOPs",10} {"bytes",10} precision");
            foreach (var n in shown)
            {
                o.WriteLine($"    {Trim(n.Name, 36),-36} {Trim(n.OpType, 20),-20} {Trim(n.Kernel, 28),-28} {Amount(n.Flops, ""),10} {Amount(n.Bytes, "B"),10} {n.Precision}");
            }
        }
        return CliHost.Ok;
    }

    /// <summary>The JSON form; field names are a contract (tests and tools read them).</summary>
    public static JsonObject ToJson(CompiledModel compiled)
    {
        var m = compiled.Metadata;
        var first = m.Profiles.FirstOrDefault();
        var hist = new JsonObject();
        foreach (var (k, v) in m.OpHistogramAfter)
        {
            hist[k] = v;
        }
        var before = new JsonObject();
        foreach (var (k, v) in m.OpHistogramBefore)
        {
            before[k] = v;
        }
        return new JsonObject
        {
            ["compiler_version"] = m.CompilerVersion,
            ["opt_level"] = m.Options.OptLevel,
            ["nodes_before"] = m.NodesBefore,
            ["nodes_after"] = m.NodesAfter,
            ["op_histogram"] = hist,
            ["op_histogram_before"] = before,
            ["peak_activation_bytes"] = first?.PeakActivationBytes ?? 0,
            ["naive_activation_bytes"] = first?.NaiveActivationBytes ?? 0,
            ["flops"] = first?.Flops ?? 0,
            ["fused_groups"] = new JsonArray(FusedGroups(compiled.Graph)
                .Select(g => (JsonNode)new JsonObject { ["node"] = g.Name, ["op"] = g.Op, ["detail"] = g.Detail }).ToArray()),
            ["profiles"] = new JsonArray(m.Profiles.Select(p => (JsonNode)new JsonObject
            {
                ["input_shapes"] = new JsonObject(p.InputShapes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(d => (JsonNode)d).ToArray())))),
                ["peak_activation_bytes"] = p.PeakActivationBytes,
                ["naive_activation_bytes"] = p.NaiveActivationBytes,
                ["flops"] = p.Flops,
                ["buffers"] = new JsonArray(p.Buffers.Select(b => (JsonNode)new JsonObject
                {
                    ["name"] = b.Name, ["offset"] = b.Offset, ["bytes"] = b.Bytes, ["first_step"] = b.FirstStep, ["last_step"] = b.LastStep,
                }).ToArray()),
                ["nodes"] = new JsonArray(p.Nodes.Select(n => (JsonNode)new JsonObject
                {
                    ["name"] = n.Name, ["op"] = n.OpType, ["kernel"] = n.Kernel, ["flops"] = n.Flops, ["bytes"] = n.Bytes, ["precision"] = n.Precision,
                }).ToArray()),
            }).ToArray()),
        };
    }

    /// <summary>Fused nodes (domain "axon") with what they hold: the epilogue, the elementwise program.</summary>
    private static IEnumerable<(string Name, string Op, string Detail)> FusedGroups(Axon.Graph.Graph g)
    {
        foreach (var n in g.Nodes.Where(n => n.Domain == "axon"))
        {
            var parts = new List<string>();
            if (n.GetString("activation", "") is { Length: > 0 } act)
            {
                parts.Add("activation=" + act);
            }
            if (n.OpType is "FusedConv" or "FusedGemm" or "FusedMatMul" or "NchwcConv")
            {
                if (n.Inputs.Count > 2 && n.Inputs[2].Length > 0)
                {
                    parts.Add("bias");
                }
                if (n.Inputs.Count > 3 && n.Inputs[3].Length > 0)
                {
                    parts.Add("residual");
                }
            }
            if (n.GetString("program", "") is { Length: > 0 } program)
            {
                parts.Add("program: " + program);
            }
            yield return (n.DisplayName, "axon:" + n.OpType, string.Join(", ", parts));
        }
    }

    private static string Shapes(PlanProfile p) => string.Join(" ", p.InputShapes.Select(kv => kv.Key + "=" + string.Join("x", kv.Value)));

    private static string Amount(long v, string unit) => v < 0 ? "?" : unit == "B" ? ValueFormat.Bytes(v) : ValueFormat.Si(v, "");

    private static string Trim(string s, int w) => s.Length <= w ? s : "…" + s[^(w - 1)..];
}
