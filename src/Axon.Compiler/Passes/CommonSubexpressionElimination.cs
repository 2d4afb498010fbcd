using System.Text;
using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Merges nodes that compute the same thing: same op, domain, inputs and attributes (random ops and nodes with subgraphs
/// excluded). The later node's readers are pointed at the earlier node's outputs.
/// </summary>
public sealed class CommonSubexpressionElimination : PassBase
{
    private static readonly HashSet<string> NonDeterministic = new(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout",
    };

    public override string Name => "cse";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var seen = new Dictionary<string, Node>(StringComparer.Ordinal);
        var alias = new Dictionary<string, string>(StringComparer.Ordinal);
        var removed = new Dictionary<Node, Node?>();
        foreach (var n in graph.Nodes)
        {
            context.CurrentNode = n;
            if (NonDeterministic.Contains(n.OpType) || n.Subgraphs().Any())
            {
                continue;
            }
            string key = Key(n, alias);
            if (!seen.TryGetValue(key, out var first))
            {
                seen[key] = n;
                continue;
            }
            // Graph outputs keep their names, and subgraph readers would need renaming inside bodies: leave those.
            if (n.Outputs.Any(o => o.Length > 0 && (index.IsGraphOutput(o) || index.Consumers(o).Any(c => !c.Inputs.Contains(o)))))
            {
                continue;
            }
            for (int i = 0; i < n.Outputs.Count; i++)
            {
                if (n.Outputs[i].Length > 0)
                {
                    alias[n.Outputs[i]] = first.Outputs[i].Length > 0 ? first.Outputs[i] : n.Outputs[i];
                }
            }
            if (n.Outputs.Where((o, i) => o.Length > 0 && first.Outputs[i].Length == 0).Any())
            {
                // The earlier node does not produce an output this one needs: keep both.
                foreach (var o in n.Outputs)
                {
                    alias.Remove(o);
                }
                continue;
            }
            removed[n] = null;
            context.Count(Name, "nodes-merged");
        }
        context.CurrentNode = null;
        return removed.Count == 0 ? graph : Aliasing.Apply(graph, removed, alias);
    }

    private static string Key(Node n, Dictionary<string, string> alias)
    {
        var sb = new StringBuilder();
        sb.Append(n.Domain).Append(':').Append(n.OpType).Append('(');
        foreach (var i in n.Inputs)
        {
            sb.Append(alias.GetValueOrDefault(i, i)).Append('\u0001');
        }
        sb.Append(")#").Append(n.Outputs.Count).Append('{');
        foreach (var a in n.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            sb.Append(a.Name).Append('=').Append(a.Kind).Append(':');
            if (a.Kind == AttrKind.Tensor && a.T is { } t)
            {
                sb.Append(TensorKey(t));
            }
            else if (a.Kind == AttrKind.Tensors)
            {
                sb.AppendJoin(";", a.Tensors.Select(TensorKey));
            }
            else
            {
                sb.Append(a);
            }
            sb.Append('\u0001');
        }
        return sb.Append('}').ToString();
    }

    private static string TensorKey(Tensor t) =>
        $"{t.DType}[{string.Join(",", t.Shape)}]" + (t.DType == DType.String ? string.Join("\u0002", t.Strings.ToArray()) : Convert.ToHexString(t.Bytes));
}

/// <summary>Removes nodes and redirects readers of their outputs to other values (main graph only).</summary>
internal static class Aliasing
{
    public static Axon.Graph.Graph Apply(Axon.Graph.Graph g, IReadOnlyDictionary<Node, Node?> replace, IReadOnlyDictionary<string, string> alias)
    {
        string Resolve(string v)
        {
            int guard = 0;
            while (alias.TryGetValue(v, out var w) && w != v && guard++ < 1000)
            {
                v = w;
            }
            return v;
        }
        var r = g.Clone();
        r.Nodes.Clear();
        foreach (var n in g.Nodes)
        {
            var m = replace.TryGetValue(n, out var rep) ? rep : n;
            if (m is null)
            {
                continue;
            }
            if (m.Inputs.Any(alias.ContainsKey))
            {
                m = m.With(inputs: m.Inputs.Select(Resolve).ToList());
            }
            r.Nodes.Add(m);
        }
        return r;
    }
}
