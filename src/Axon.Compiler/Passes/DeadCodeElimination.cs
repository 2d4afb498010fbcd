using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Removes nodes none of whose outputs reach a graph output, then initializers and value annotations nobody reads.
/// Reads from inside subgraphs count, so nodes feeding If/Loop/Scan bodies stay.
/// </summary>
public sealed class DeadCodeElimination : PassBase
{
    public override string Name => "dce";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var live = new HashSet<string>(graph.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        var keep = new bool[graph.Nodes.Count];
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            var n = graph.Nodes[i];
            if (!n.Outputs.Any(live.Contains))
            {
                continue;
            }
            keep[i] = true;
            foreach (var x in n.Inputs)
            {
                if (x.Length > 0)
                {
                    live.Add(x);
                }
            }
            foreach (var sg in n.Subgraphs())
            {
                live.UnionWith(Axon.Graph.Graph.OuterReads(sg));
            }
        }
        var inputs = new HashSet<string>(graph.Inputs.Select(i => i.Name), StringComparer.Ordinal);
        var deadInits = graph.Initializers.Keys.Where(k => !live.Contains(k) && !inputs.Contains(k)).ToList();
        int deadNodes = keep.Count(k => !k);
        if (deadNodes == 0 && deadInits.Count == 0)
        {
            return graph;
        }
        var r = graph.Clone();
        r.Nodes.Clear();
        for (int i = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                r.Nodes.Add(graph.Nodes[i]);
            }
        }
        foreach (var k in deadInits)
        {
            r.Initializers.Remove(k);
        }
        var defined = new HashSet<string>(r.Nodes.SelectMany(n => n.Outputs), StringComparer.Ordinal);
        foreach (var k in r.ValueInfos.Keys.Where(k => !defined.Contains(k) && !r.Initializers.ContainsKey(k) && !inputs.Contains(k)).ToList())
        {
            r.ValueInfos.Remove(k);
        }
        context.Count(Name, "nodes-removed", deadNodes);
        context.Count(Name, "initializers-removed", deadInits.Count);
        return r;
    }
}
