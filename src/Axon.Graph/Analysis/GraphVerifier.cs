using Axon.Graph.Ops;

namespace Axon.Graph.Analysis;

/// <summary>One thing wrong with a graph. Codes are stable (AXON19x) so tools and tests can match on them.</summary>
public sealed record GraphProblem(string Code, string Message)
{
    public const string UsedBeforeProduced = "AXON190";
    public const string Undefined = "AXON191";
    public const string ProducedTwice = "AXON192";
    public const string DanglingOutput = "AXON193";
    public const string AttributeKind = "AXON194";
    public const string Inference = "AXON195";
    public const string Cycle = "AXON196";
    public const string Malformed = "AXON197";

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>
/// Checks a graph's structure and consistency: every value defined once and before use (subgraphs may read enclosing
/// values), graph outputs produced, attribute kinds as the op's schema says, and no contradictions found by shape
/// inference (rank or size mismatches, bad axes). Ops without a schema are fine. Run by the pass manager after every
/// pass in Debug; richer than the import validator, which checks the ONNX file itself.
/// </summary>
public static class GraphVerifier
{
    public static IReadOnlyList<GraphProblem> Verify(Model model, bool runInference = true)
    {
        var problems = new List<GraphProblem>();
        CheckGraph(model.Graph, new HashSet<string>(StringComparer.Ordinal), problems, "");
        if (runInference)
        {
            var r = ShapeInference.Infer(model);
            problems.AddRange(r.Problems.Distinct().Select(p => new GraphProblem(GraphProblem.Inference, p)));
        }
        return problems;
    }

    /// <summary>Throws an <see cref="AxonModelException"/> listing the problems, if any.</summary>
    public static void ThrowIfInvalid(Model model, string context = "graph")
    {
        var p = Verify(model);
        if (p.Count > 0)
        {
            throw new AxonModelException($"{context} is invalid:\n  " + string.Join("\n  ", p.Take(20)), p[0].Code);
        }
    }

    private static void CheckGraph(Graph g, HashSet<string> outer, List<GraphProblem> problems, string where)
    {
        string gname = where.Length == 0 ? $"graph '{g.Name}'" : $"subgraph '{g.Name}' of {where}";
        var defined = new HashSet<string>(outer, StringComparer.Ordinal);
        var local = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in g.Inputs)
        {
            if (!local.Add(i.Name))
            {
                problems.Add(new(GraphProblem.ProducedTwice, $"{gname}: input '{i.Name}' is declared twice"));
            }
        }
        foreach (var k in g.Initializers.Keys)
        {
            local.Add(k);
        }
        defined.UnionWith(local);
        var producedLater = new HashSet<string>(g.Nodes.SelectMany(n => n.Outputs).Where(o => o.Length > 0), StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (n.OpType.Length == 0)
            {
                problems.Add(new(GraphProblem.Malformed, $"{gname}: {n} has no op type"));
            }
            foreach (var i in n.Inputs)
            {
                if (i.Length == 0 || defined.Contains(i))
                {
                    continue;
                }
                problems.Add(producedLater.Contains(i)
                    ? new(GraphProblem.UsedBeforeProduced, $"{gname}: {n} reads '{i}' before it is produced")
                    : new(GraphProblem.Undefined, $"{gname}: {n} reads '{i}', which nothing produces"));
            }
            CheckAttributes(n, gname, problems);
            foreach (var sg in n.Subgraphs())
            {
                CheckGraph(sg, defined, problems, n.ToString());
            }
            foreach (var o in n.Outputs)
            {
                if (o.Length == 0)
                {
                    continue;
                }
                if (!local.Add(o))
                {
                    problems.Add(new(GraphProblem.ProducedTwice, $"{gname}: '{o}' is produced twice (again by {n})"));
                }
                defined.Add(o);
            }
        }
        foreach (var o in g.Outputs)
        {
            if (!defined.Contains(o.Name))
            {
                problems.Add(new(GraphProblem.DanglingOutput, $"{gname}: output '{o.Name}' is never produced"));
            }
        }
        if (where.Length == 0)
        {
            try
            {
                TopologicalOrder.Sort(g);
            }
            catch (AxonModelException e)
            {
                problems.Add(new(GraphProblem.Cycle, e.Message));
            }
        }
    }

    private static void CheckAttributes(Node n, string gname, List<GraphProblem> problems)
    {
        if (SchemaRegistry.Find(n.Domain, n.OpType) is not { } schema)
        {
            return;
        }
        foreach (var a in n.Attributes.Values)
        {
            // A function body's attribute reference has no value of its own yet.
            if (a.RefAttrName is not null)
            {
                continue;
            }
            if (schema.Attributes.TryGetValue(a.Name, out var kind) && kind != a.Kind)
            {
                problems.Add(new(GraphProblem.AttributeKind, $"{gname}: {n} attribute '{a.Name}' is {a.Kind}, expected {kind}"));
            }
        }
    }
}
