namespace Axon.Graph.Reference;

/// <summary>
/// Runs a model node by node with the reference ops. It is the golden reference that passes and fast kernels are checked
/// against, so it favours clarity over speed. Errors name the node that failed.
/// </summary>
public sealed class ReferenceExecutor
{
    private readonly Model _model;

    public ReferenceExecutor(Model model)
    {
        _model = model;
        CheckSupported(model.Graph);
    }

    /// <summary>Throws <see cref="AxonUnsupportedException"/> naming the first node (in any subgraph) without a reference op.</summary>
    public void CheckSupported(Graph g)
    {
        foreach (var n in g.Nodes)
        {
            if (OpRegistry.Find(n.Domain, n.OpType) is null)
            {
                throw new AxonUnsupportedException($"{n}: operator {(n.Domain.Length > 0 ? n.Domain + ":" : "")}{n.OpType} is not supported by the reference executor");
            }
            foreach (var sg in n.Subgraphs())
            {
                CheckSupported(sg);
            }
        }
    }

    /// <summary>Runs the model's main graph. Inputs are matched by name; outputs come back in graph-output order.</summary>
    public IReadOnlyList<KeyValuePair<string, IValue?>> Run(IReadOnlyDictionary<string, IValue?> inputs)
    {
        var g = _model.Graph;
        var ordered = new List<IValue?>();
        foreach (var vi in g.Inputs)
        {
            if (inputs.TryGetValue(vi.Name, out var v))
            {
                ordered.Add(v);
            }
            else if (g.Initializers.TryGetValue(vi.Name, out var init))
            {
                ordered.Add(init);
            }
            else
            {
                throw new AxonInputException($"input '{vi.Name}' was not given", "AXON201");
            }
        }
        foreach (var name in inputs.Keys)
        {
            if (!g.Inputs.Any(i => i.Name == name))
            {
                throw new AxonInputException($"the model has no input named '{name}' (inputs: {string.Join(", ", g.RuntimeInputs.Select(i => i.Name))})", "AXON202");
            }
        }
        var outs = RunGraph(g, ordered, null);
        return g.Outputs.Select((o, i) => new KeyValuePair<string, IValue?>(o.Name, outs[i])).ToList();
    }

    /// <summary>
    /// Runs one node on given inputs (the fallback path of compiled plans). <paramref name="outer"/> supplies the
    /// enclosing values its subgraphs read (If/Loop/Scan bodies capture names from the graph around them).
    /// </summary>
    public IValue?[] RunNode(Node node, long opset, IValue?[] inputs, IReadOnlyDictionary<string, IValue?>? outer = null)
    {
        var op = OpRegistry.Find(node.Domain, node.OpType)
            ?? throw new AxonUnsupportedException($"{node}: operator {node.OpType} is not supported by the reference executor");
        var scope = new Scope(null);
        if (outer is not null)
        {
            foreach (var kv in outer)
            {
                scope.Set(kv.Key, kv.Value);
            }
        }
        return Invoke(op, new OpContext(this, scope, node, opset, inputs));
    }

    private static IValue?[] Invoke(IReferenceOp op, OpContext ctx)
    {
        try
        {
            return op.Run(ctx);
        }
        catch (AxonException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException or InvalidCastException or ArithmeticException)
        {
            throw new AxonModelException($"{ctx.Node}: {e.Message}", "AXON112", e);
        }
    }

    internal IValue?[] RunGraph(Graph g, IReadOnlyList<IValue?> inputs, Scope? parent)
    {
        var scope = new Scope(parent);
        foreach (var kv in g.Initializers)
        {
            scope.Set(kv.Key, kv.Value);
        }
        if (inputs.Count > g.Inputs.Count)
        {
            throw new AxonModelException($"graph '{g.Name}' takes {g.Inputs.Count} inputs, {inputs.Count} given");
        }
        for (int i = 0; i < inputs.Count; i++)
        {
            scope.Set(g.Inputs[i].Name, inputs[i]);
        }
        foreach (var node in TopologicalOrder.Sort(g))
        {
            var op = OpRegistry.Find(node.Domain, node.OpType)
                ?? throw new AxonUnsupportedException($"{node}: operator {node.OpType} is not supported by the reference executor");
            var args = new IValue?[node.Inputs.Count];
            for (int i = 0; i < args.Length; i++)
            {
                string name = node.Inputs[i];
                if (name.Length == 0)
                {
                    continue;
                }
                if (!scope.TryGet(name, out args[i]))
                {
                    throw new AxonModelException($"{node}: input '{name}' is not produced by any node, input or initializer", "AXON111");
                }
            }
            var results = Invoke(op, new OpContext(this, scope, node, _model.OpsetFor(node.Domain), args));
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                if (node.Outputs[i].Length > 0)
                {
                    scope.Set(node.Outputs[i], i < results.Length ? results[i] : null);
                }
            }
        }
        var outs = new IValue?[g.Outputs.Count];
        for (int i = 0; i < outs.Length; i++)
        {
            if (!scope.TryGet(g.Outputs[i].Name, out outs[i]))
            {
                throw new AxonModelException($"graph output '{g.Outputs[i].Name}' is never produced", "AXON113");
            }
        }
        return outs;
    }
}
