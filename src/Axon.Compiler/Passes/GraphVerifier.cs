using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// A light structural check run after every pass in Debug: each node input is defined before use (graph input,
/// initializer, earlier node, or - for nodes with subgraphs - possibly an outer scope), no value is defined twice, and
/// every graph output is defined.
/// </summary>
internal static class GraphVerifier
{
    /// <summary>Null when the graph is well formed, else a description of the first problem.</summary>
    public static string? Check(Axon.Graph.Graph g)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in g.Inputs)
        {
            defined.Add(i.Name);
        }
        foreach (var k in g.Initializers.Keys)
        {
            defined.Add(k);
        }
        foreach (var n in g.Nodes)
        {
            foreach (var i in n.Inputs)
            {
                if (i.Length > 0 && !defined.Contains(i))
                {
                    return $"{n} reads '{i}', which is not defined before it";
                }
            }
            foreach (var o in n.Outputs)
            {
                if (o.Length > 0 && !defined.Add(o))
                {
                    return $"{n} defines '{o}', which is already defined";
                }
            }
        }
        foreach (var o in g.Outputs)
        {
            if (!defined.Contains(o.Name))
            {
                return $"graph output '{o.Name}' is never defined";
            }
        }
        return null;
    }
}
