namespace Axon.Graph;

/// <summary>Orders a graph's nodes so each runs after the producers of its inputs; reports cycles by node name.</summary>
public static class TopologicalOrder
{
    /// <summary>The nodes in an order where producers come first. Returns the graph's own list when it is already ordered.</summary>
    public static IReadOnlyList<Node> Sort(Graph g)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            foreach (var o in g.Nodes[i].Outputs)
            {
                if (o.Length > 0)
                {
                    producer[o] = i;
                }
            }
        }
        bool ordered = true;
        for (int i = 0; i < g.Nodes.Count && ordered; i++)
        {
            foreach (var inp in Reads(g.Nodes[i]))
            {
                if (producer.TryGetValue(inp, out int p) && p >= i)
                {
                    ordered = false;
                    break;
                }
            }
        }
        if (ordered)
        {
            return g.Nodes;
        }
        // Kahn's algorithm, stable with respect to the original order.
        var indeg = new int[g.Nodes.Count];
        var users = new List<int>[g.Nodes.Count];
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            users[i] = [];
        }
        for (int i = 0; i < g.Nodes.Count; i++)
        {
            foreach (var inp in Reads(g.Nodes[i]).Distinct())
            {
                if (producer.TryGetValue(inp, out int p))
                {
                    indeg[i]++;
                    users[p].Add(i);
                }
            }
        }
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < indeg.Length; i++)
        {
            if (indeg[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }
        var result = new List<Node>(g.Nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            result.Add(g.Nodes[i]);
            foreach (int u in users[i])
            {
                if (--indeg[u] == 0)
                {
                    ready.Enqueue(u, u);
                }
            }
        }
        if (result.Count != g.Nodes.Count)
        {
            var stuck = g.Nodes.Where((n, i) => indeg[i] > 0).Take(3).Select(n => n.ToString());
            throw new AxonModelException($"graph '{g.Name}' has a cycle through {string.Join(", ", stuck)}", "AXON114");
        }
        return result;
    }

    private static IEnumerable<string> Reads(Node n) =>
        n.Inputs.Where(i => i.Length > 0).Concat(n.Subgraphs().SelectMany(Graph.OuterReads));
}
