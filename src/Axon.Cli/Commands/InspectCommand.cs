using System.CommandLine;
using System.Text;
using Axon.Cli.Rendering;
using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Onnx;

namespace Axon.Cli.Commands;

/// <summary><c>axon inspect MODEL</c>: prints a model's interface, metadata, op histogram, size and a FLOPs estimate.</summary>
internal static class InspectCommand
{
    public static Command Create(CliIO io)
    {
        var model = new Argument<string>("model") { Description = "the .onnx model or .axon artifact" };
        var json = new Option<bool>("--json") { Description = "for a .axon artifact: print one JSON document (nodes_before, nodes_after, op_histogram, peak_activation_bytes, naive_activation_bytes, flops, profiles)" };
        var all = new Option<bool>("--all") { Description = "for a .axon artifact: list every node and fused group" };
        var cmd = new Command("inspect", "Describe a model (inputs, outputs, ops, FLOPs) or a compiled .axon artifact (what the compiler did). Example: axon inspect model.axon --json")
        {
            model, json, all,
        };
        cmd.SetAction(p =>
        {
            string path = p.GetValue(model)!;
            if (InspectArtifact.IsArtifact(path))
            {
                return InspectArtifact.Inspect(io, path, p.GetValue(json), p.GetValue(all));
            }
            if (p.GetValue(json))
            {
                throw new UsageException("--json describes a compiled .axon artifact; compile the model first (axon compile MODEL -o MODEL.axon)");
            }
            return Inspect(io, path);
        });
        return cmd;
    }

    private static int Inspect(CliIO io, string path)
    {
        var m = OnnxModel.Load(path);
        var g = m.Graph;
        var o = io.Out;
        o.WriteLine($"model:        {path}");
        o.WriteLine($"graph:        {g.Name}");
        o.WriteLine($"ir_version:   {m.IrVersion}");
        string producer = (m.ProducerName + " " + m.ProducerVersion).Trim();
        o.WriteLine($"producer:     {(producer.Length > 0 ? producer : "(none)")}");
        o.WriteLine($"opsets:       {string.Join(", ", m.OpsetImports.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{(kv.Key.Length == 0 ? "ai.onnx" : kv.Key)} {kv.Value}"))}");
        o.WriteLine("inputs:");
        WriteValues(o, g.RuntimeInputs.ToList());
        o.WriteLine("outputs:");
        WriteValues(o, g.Outputs);

        long parameters = 0, bytes = 0;
        foreach (var t in g.Initializers.Values)
        {
            parameters += t.Length;
            bytes += t.DType == DType.String ? t.Strings.ToArray().Sum(s => (long)Encoding.UTF8.GetByteCount(s)) : t.ByteLength;
        }
        o.WriteLine($"parameters:   {parameters:N0} in {g.Initializers.Count} initializer{(g.Initializers.Count == 1 ? "" : "s")} ({ValueFormat.Bytes(bytes)})");
        var all = AllNodes(g).ToList();
        int nested = all.Count - g.Nodes.Count;
        o.WriteLine($"nodes:        {g.Nodes.Count}{(nested > 0 ? $" (+{nested} inside subgraphs)" : "")}");
        var cost = CostModel.Estimate(m);
        o.WriteLine($"flops:        {PerInference(cost.Flops, "FLOPs")}");
        o.WriteLine($"memory:       {PerInference(cost.Bytes, "B")} (bytes read and written)");
        var flopsByOp = cost.ByOp().ToDictionary(x => x.Op, x => x.Flops, StringComparer.Ordinal);
        o.WriteLine("ops:");
        foreach (var grp in all.GroupBy(n => n.Domain.Length > 0 ? $"{n.Domain}:{n.OpType}" : n.OpType)
                     .OrderByDescending(x => x.Count()).ThenBy(x => x.Key, StringComparer.Ordinal))
        {
            // Costs cover the main graph only (a subgraph's trip count is not static).
            string f = flopsByOp.TryGetValue(grp.First().OpType, out var e) && grp.First().Domain.Length == 0 ? Amount(e, "FLOPs") : "";
            o.WriteLine($"  {grp.Key,-28} {grp.Count(),6}  {f}".TrimEnd());
        }
        return CliHost.Ok;
    }

    private static string PerInference(SymExpr e, string unit) =>
        e.IsUnknown ? "unknown (some shapes could not be inferred)" : Amount(e, unit) + " per inference";

    /// <summary><c>1.2 GFLOPs (1,234,567,890)</c>, a symbolic expression (<c>2*batch*1024</c>), or <c>unknown</c>.</summary>
    private static string Amount(SymExpr e, string unit)
    {
        if (e.IsUnknown)
        {
            return "unknown";
        }
        if (e.ConstValue is long c)
        {
            string text = unit == "B" ? ValueFormat.Bytes(c) : ValueFormat.Si(c, unit);
            return c < 1000 ? text : $"{text} ({c:N0})";
        }
        return $"{e} {unit} (symbolic)";
    }

    private static void WriteValues(TextWriter o, IReadOnlyList<ValueInfo> values)
    {
        if (values.Count == 0)
        {
            o.WriteLine("  (none)");
        }
        int width = values.Count == 0 ? 0 : values.Max(v => v.Name.Length);
        foreach (var v in values)
        {
            o.WriteLine($"  {v.Name.PadRight(width)}  {Describe(v.Type)}");
        }
    }

    /// <summary>ONNX-style type text: <c>float [N,3,224,224]</c>, <c>seq(float [?])</c>.</summary>
    private static string Describe(TypeInfo t) => t.Kind switch
    {
        TypeKind.Tensor => $"{t.ElemType.OnnxName()} {t.Shape}",
        TypeKind.Sequence => $"seq({(t.Element is null ? "?" : Describe(t.Element))})",
        TypeKind.Optional => $"optional({(t.Element is null ? "?" : Describe(t.Element))})",
        _ => t.ToString(),
    };

    private static IEnumerable<Node> AllNodes(Graph.Graph g)
    {
        foreach (var n in g.Nodes)
        {
            yield return n;
            foreach (var sg in n.Subgraphs())
            {
                foreach (var inner in AllNodes(sg))
                {
                    yield return inner;
                }
            }
        }
    }
}
