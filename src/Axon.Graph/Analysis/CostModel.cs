using Axon.Graph.Ops;

namespace Axon.Graph.Analysis;

/// <summary>One node's estimated cost.</summary>
public sealed record NodeCost(Node Node, SymExpr Flops, SymExpr BytesRead, SymExpr BytesWritten, bool HasSchema);

/// <summary>A model's estimated cost: totals (possibly symbolic in batch, seq...) and the per-node list.</summary>
public sealed class CostReport
{
    public required SymExpr Flops { get; init; }
    public required SymExpr BytesRead { get; init; }
    public required SymExpr BytesWritten { get; init; }
    public required IReadOnlyList<NodeCost> Nodes { get; init; }

    /// <summary>Bytes of constant weights (initializers), counted once.</summary>
    public required long WeightBytes { get; init; }

    public SymExpr Bytes => BytesRead + BytesWritten;

    /// <summary>Totals with the symbols bound (say batch = 1): FLOPs and bytes, null where a term stays unknown.</summary>
    public (double? Flops, double? Bytes) Evaluate(IReadOnlyDictionary<string, long> binding) =>
        (Flops.Evaluate(binding), Bytes.Evaluate(binding));

    /// <summary>FLOPs by op type, largest first (for "where does the time go").</summary>
    public IEnumerable<(string Op, SymExpr Flops, int Count)> ByOp() =>
        Nodes.GroupBy(n => n.Node.OpType)
            .Select(g => (g.Key, SymExpr.Sum(g.Select(n => n.Flops)), g.Count()))
            .OrderByDescending(t => t.Item2.Evaluate(OneBinding(t.Item2)) ?? double.MaxValue);

    private static Dictionary<string, long> OneBinding(SymExpr e) => e.Symbols.ToDictionary(s => s, _ => 1L);
}

/// <summary>
/// Static cost of a model from the operator schemas' cost rules after shape inference: FLOPs and bytes moved per node,
/// symbolic where shapes are (<c>2*batch*...</c>). Ops without a schema count only the bytes they read and write.
/// Subgraph bodies are not counted (a Loop's trip count is not known statically).
/// </summary>
public static class CostModel
{
    public static CostReport Estimate(Model model)
    {
        var inferred = ShapeInference.Infer(model);
        var nodes = new List<NodeCost>();
        foreach (var node in TryOrder(model.Graph))
        {
            var ins = node.Inputs.Select(i => i.Length == 0 ? null : inferred.Types.GetValueOrDefault(i) ?? model.Graph.TypeOf(i)).ToArray();
            var outs = node.Outputs.Select(o => o.Length == 0 ? null : inferred.Types.GetValueOrDefault(o)).ToArray();
            var ctx = new CostContext(node, model.OpsetFor(node.Domain), ins, outs);
            var schema = SchemaRegistry.Find(node.Domain, node.OpType);
            OpCost cost;
            try
            {
                cost = schema is null ? ctx.Memory(SymExpr.Zero) : schema.Cost(ctx);
            }
            catch (Exception e) when (e is AxonException or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
            {
                cost = new OpCost(SymExpr.Unknown, SymExpr.Unknown, SymExpr.Unknown);
            }
            nodes.Add(new NodeCost(node, cost.Flops, cost.BytesRead, cost.BytesWritten, schema is not null));
        }
        return new CostReport
        {
            Flops = SymExpr.Sum(nodes.Select(n => n.Flops)),
            BytesRead = SymExpr.Sum(nodes.Select(n => n.BytesRead)),
            BytesWritten = SymExpr.Sum(nodes.Select(n => n.BytesWritten)),
            Nodes = nodes,
            WeightBytes = model.Graph.Initializers.Values.Sum(t => t.ByteLength),
        };
    }

    private static IReadOnlyList<Node> TryOrder(Graph g)
    {
        try
        {
            return TopologicalOrder.Sort(g);
        }
        catch (AxonModelException)
        {
            return g.Nodes;
        }
    }
}
