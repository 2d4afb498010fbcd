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
            map[f.Outputs[i]] = i < call.Outputs.Count ? call.Outputs[i] : prefix + f.Outputs[i];
        }
        string Rename(string v) => v.Length == 0 ? v : map.TryGetValue(v, out var m) ? m : prefix + v;
        var body = new List<Node>();
        foreach (var fn in f.Nodes)
        {
            var n = new Node(fn.OpType, fn.Inputs.Select(Rename), fn.Outputs.Select(Rename), prefix + fn.Name, fn.Domain);
            foreach (var a in fn.Attributes.Values)
            {
                if (a.RefAttrName is null)
                {
                    n.Attributes[a.Name] = a;
                }
                else if (call.Attributes.TryGetValue(a.RefAttrName, out var actual))
                {
                    n.Attributes[a.Name] = actual.Renamed(a.Name);
                }
                else if (f.AttributeDefaults.TryGetValue(a.RefAttrName, out var def))
                {
                    n.Attributes[a.Name] = def.Renamed(a.Name);
                }
            }
            body.Add(n);
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
}
