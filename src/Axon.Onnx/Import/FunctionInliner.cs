using Axon.Graph;

namespace Axon.Onnx.Import;

/// <summary>
/// Replaces calls to model-local functions by their bodies: formal inputs and outputs map to the call's values,
/// internal values get a unique prefix, and attribute references take the caller's value (or the declared default).
/// </summary>
internal static class FunctionInliner
{
    private const int MaxDepth = 32;

    /// <summary>Functions calling functions several times can expand exponentially; stop long before memory runs out.</summary>
    private const int MaxInlinedNodes = 1_000_000;

    public static void Inline(Model model)
    {
        if (model.Functions.Count == 0)
        {
            return;
        }
        var table = new Dictionary<(string, string), Function>();
        foreach (var f in model.Functions)
        {
            table[(f.Domain, f.Name)] = f;
        }
        // Count first, so a function bomb (or a recursive function) fails fast instead of expanding until the cap.
        var sizes = new Dictionary<Function, long>();
        CheckExpandedSize(model.Graph, table, sizes);
        int counter = 0;
        InlineGraph(model.Graph, table, ref counter, 0);
        foreach (var f in model.Functions)
        {
            foreach (var kv in f.OpsetImports)
            {
                model.OpsetImports.TryAdd(kv.Key, kv.Value);
            }
        }
    }

    private static void CheckExpandedSize(Axon.Graph.Graph g, Dictionary<(string, string), Function> table, Dictionary<Function, long> sizes)
    {
        long total = 0;
        foreach (var n in g.Nodes)
        {
            foreach (var sg in n.Subgraphs())
            {
                CheckExpandedSize(sg, table, sizes);
            }
            if (table.TryGetValue((n.Domain, n.OpType), out var f))
            {
                long size = SizeOf(f, table, sizes, 0);
                if (size > MaxInlinedNodes)
                {
                    throw new AxonModelException($"{n}: function '{f.Name}' calls itself or expands to more than {MaxInlinedNodes} nodes", "AXON160");
                }
                total += size;
            }
            else
            {
                total++;
            }
            if (total > MaxInlinedNodes)
            {
                throw new AxonModelException($"{n}: inlining functions makes graph '{g.Name}' larger than {MaxInlinedNodes} nodes", "AXON160");
            }
        }
    }

    /// <summary>Nodes a call expands to, saturating above the cap; a function on its own call path counts as too large.</summary>
    private static long SizeOf(Function f, Dictionary<(string, string), Function> table, Dictionary<Function, long> sizes, int depth)
    {
        if (depth > MaxDepth)
        {
            // Bounded so a long chain of functions cannot overflow the stack.
            throw new AxonModelException($"function '{f.Name}': calls nest deeper than {MaxDepth}", "AXON160");
        }
        if (sizes.TryGetValue(f, out long known))
        {
            return known;
        }
        sizes[f] = MaxInlinedNodes + 1L; // in progress: recursion reads this
        long total = 0;
        foreach (var n in f.Nodes)
        {
            total += table.TryGetValue((n.Domain, n.OpType), out var inner) ? SizeOf(inner, table, sizes, depth + 1) : 1;
            foreach (var sg in n.Subgraphs())
            {
                foreach (var sn in sg.Nodes)
                {
                    total += table.TryGetValue((sn.Domain, sn.OpType), out var sf) ? SizeOf(sf, table, sizes, depth + 1) : 1;
                }
            }
            total = Math.Min(total, MaxInlinedNodes + 1L);
        }
        sizes[f] = total;
        return total;
    }

    private static void InlineGraph(Axon.Graph.Graph g, Dictionary<(string, string), Function> table, ref int counter, int depth)
    {
        var result = new List<Node>();
        foreach (var n in g.Nodes)
        {
            foreach (var sg in n.Subgraphs())
            {
                InlineGraph(sg, table, ref counter, depth);
            }
            if (table.TryGetValue((n.Domain, n.OpType), out var f))
            {
                result.AddRange(Expand(n, f, table, ref counter, depth));
            }
            else
            {
                result.Add(n);
            }
        }
        g.Nodes.Clear();
        g.Nodes.AddRange(result);
    }

    private static IEnumerable<Node> Expand(Node call, Function f, Dictionary<(string, string), Function> table, ref int counter, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new AxonModelException($"{call}: function '{f.Name}' calls nest deeper than {MaxDepth} (recursive functions are not allowed)", "AXON160");
        }
        string prefix = $"{f.Name}__{counter++}__";
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < f.Inputs.Count; i++)
        {
            map[f.Inputs[i]] = i < call.Inputs.Count ? call.Inputs[i] : "";
        }
        for (int i = 0; i < f.Outputs.Count; i++)
        {
            // An output the caller omits still flows between body nodes, so it keeps a (private) name.
            map[f.Outputs[i]] = i < call.Outputs.Count && call.Outputs[i].Length > 0 ? call.Outputs[i] : prefix + f.Outputs[i];
        }
        string Rename(string v) => v.Length == 0 ? v : map.TryGetValue(v, out var m) ? m : prefix + v;
        var body = new List<Node>();
        foreach (var fn in f.Nodes)
        {
            body.Add(Rewrite(fn, Rename, prefix + fn.Name, call, f));
        }
        // The counter also keeps prefixes unique, so advancing it by the body size is harmless.
        counter += body.Count;
        if (counter > MaxInlinedNodes)
        {
            throw new AxonModelException($"{call}: inlining function '{f.Name}' expands to more than {MaxInlinedNodes} nodes", "AXON160");
        }
        var expanded = new List<Node>();
        foreach (var n in body)
        {
            // Subgraphs copied out of the body may call functions too.
            foreach (var sg in n.Subgraphs())
            {
                InlineGraph(sg, table, ref counter, depth + 1);
            }
            if (table.TryGetValue((n.Domain, n.OpType), out var inner))
            {
                expanded.AddRange(Expand(n, inner, table, ref counter, depth + 1));
            }
            else
            {
                expanded.Add(n);
            }
        }
        return expanded;
    }

    /// <summary>A body node with its values renamed and attribute references resolved, recursing into subgraphs.</summary>
    private static Node Rewrite(Node fn, Func<string, string> rename, string name, Node call, Function f)
    {
        var n = new Node(fn.OpType, fn.Inputs.Select(rename), fn.Outputs.Select(rename), name, fn.Domain) { DocString = fn.DocString };
        foreach (var a in fn.Attributes.Values)
        {
            if (a.RefAttrName is not null)
            {
                if (call.Attributes.TryGetValue(a.RefAttrName, out var actual))
                {
                    n.Attributes[a.Name] = actual.Renamed(a.Name);
                }
                else if (f.AttributeDefaults.TryGetValue(a.RefAttrName, out var def))
                {
                    n.Attributes[a.Name] = def.Renamed(a.Name);
                }
            }
            else if (a.G is not null)
            {
                n.Attributes[a.Name] = new Attr(a.Name, a.Kind) { G = RewriteGraph(a.G, rename, call, f), DocString = a.DocString };
            }
            else if (a.Graphs.Length > 0)
            {
                n.Attributes[a.Name] = new Attr(a.Name, a.Kind) { Graphs = a.Graphs.Select(g => RewriteGraph(g, rename, call, f)).ToArray(), DocString = a.DocString };
            }
            else
            {
                n.Attributes[a.Name] = a;
            }
        }
        return n;
    }

    /// <summary>
    /// A copy of a subgraph inside a function body: names it defines stay, names it reads from the body are renamed
    /// like the body's own (so If/Loop bodies keep seeing the right values after inlining).
    /// </summary>
    private static Axon.Graph.Graph RewriteGraph(Axon.Graph.Graph g, Func<string, string> outer, Node call, Function f)
    {
        var local = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Initializers.Keys).Concat(g.Nodes.SelectMany(n => n.Outputs)), StringComparer.Ordinal);
        string Inner(string v) => v.Length == 0 || local.Contains(v) ? v : outer(v);
        var r = new Axon.Graph.Graph { Name = g.Name, DocString = g.DocString };
        r.Inputs.AddRange(g.Inputs);
        r.Outputs.AddRange(g.Outputs.Select(o => o with { Name = Inner(o.Name) }));
        foreach (var kv in g.Initializers)
        {
            r.Initializers[kv.Key] = kv.Value;
        }
        foreach (var kv in g.ValueInfos)
        {
            r.ValueInfos[Inner(kv.Key)] = kv.Value with { Name = Inner(kv.Key) };
        }
        foreach (var n in g.Nodes)
        {
            r.Nodes.Add(Rewrite(n, Inner, n.Name, call, f));
        }
        return r;
    }
}
