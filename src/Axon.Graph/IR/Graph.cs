namespace Axon.Graph;

/// <summary>
/// A dataflow graph: declared inputs and outputs, constant initializers, nodes in topological order, and known types of
/// intermediate values. Values are identified by name, as in ONNX. A subgraph (If/Loop/Scan body) may read names from
/// enclosing graphs.
/// </summary>
public sealed class Graph
{
    public string Name { get; set; } = "graph";
    public List<ValueInfo> Inputs { get; } = [];
    public List<ValueInfo> Outputs { get; } = [];
    public List<Node> Nodes { get; } = [];

    /// <summary>Constant tensors by name (insertion order is kept for export).</summary>
    public Dictionary<string, Tensor> Initializers { get; } = new(StringComparer.Ordinal);

    /// <summary>Sparse initializers are densified on import; the names are remembered so export can say so.</summary>
    public Dictionary<string, ValueInfo> ValueInfos { get; } = new(StringComparer.Ordinal);

    public string? DocString { get; set; }

    /// <summary>Shallow structural copy: new lists and dictionaries, shared nodes, tensors and subgraphs (all treated as immutable).</summary>
    public Graph Clone()
    {
        var g = new Graph { Name = Name, DocString = DocString };
        g.Inputs.AddRange(Inputs);
        g.Outputs.AddRange(Outputs);
        g.Nodes.AddRange(Nodes);
        foreach (var kv in Initializers)
        {
            g.Initializers[kv.Key] = kv.Value;
        }
        foreach (var kv in ValueInfos)
        {
            g.ValueInfos[kv.Key] = kv.Value;
        }
        return g;
    }

    /// <summary>Inputs that callers must feed (declared inputs that are not also initializers, as IR v3 models list both).</summary>
    public IEnumerable<ValueInfo> RuntimeInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name));

    /// <summary>Maps each value name to the node producing it.</summary>
    public Dictionary<string, Node> Producers()
    {
        var d = new Dictionary<string, Node>(StringComparer.Ordinal);
        foreach (var n in Nodes)
        {
            foreach (var o in n.Outputs)
            {
                if (o.Length > 0)
                {
                    d[o] = n;
                }
            }
        }
        return d;
    }

    /// <summary>Maps each value name to the nodes reading it (including reads from inside subgraphs).</summary>
    public Dictionary<string, List<Node>> Consumers()
    {
        var d = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var n in Nodes)
        {
            foreach (var i in n.Inputs.Concat(n.Subgraphs().SelectMany(OuterReads)).Distinct())
            {
                if (i.Length > 0)
                {
                    if (!d.TryGetValue(i, out var l))
                    {
                        d[i] = l = [];
                    }
                    l.Add(n);
                }
            }
        }
        return d;
    }

    /// <summary>Names a graph reads that it does not define itself (its captures from enclosing scopes).</summary>
    public static HashSet<string> OuterReads(Graph g)
    {
        var defined = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Initializers.Keys), StringComparer.Ordinal);
        var reads = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            foreach (var i in n.Inputs.Concat(n.Subgraphs().SelectMany(OuterReads)))
            {
                if (i.Length > 0 && !defined.Contains(i))
                {
                    reads.Add(i);
                }
            }
            foreach (var o in n.Outputs)
            {
                defined.Add(o);
            }
        }
        foreach (var o in g.Outputs)
        {
            if (!defined.Contains(o.Name))
            {
                reads.Add(o.Name);
            }
        }
        return reads;
    }

    /// <summary>The declared or inferred type of a value, if known.</summary>
    public TypeInfo? TypeOf(string name)
    {
        if (ValueInfos.TryGetValue(name, out var vi))
        {
            return vi.Type;
        }
        foreach (var i in Inputs)
        {
            if (i.Name == name)
            {
                return i.Type;
            }
        }
        foreach (var o in Outputs)
        {
            if (o.Name == name)
            {
                return o.Type;
            }
        }
        return Initializers.TryGetValue(name, out var t) ? TypeInfo.Tensor(t.DType, t.SymShape) : null;
    }
}

/// <summary>A model-local function (ONNX <c>FunctionProto</c>), inlined at import.</summary>
public sealed class Function
{
    public required string Name { get; init; }
    public string Domain { get; init; } = "";
    public string Overload { get; init; } = "";
    public List<string> Inputs { get; init; } = [];
    public List<string> Outputs { get; init; } = [];
    public List<string> AttributeNames { get; init; } = [];
    public Dictionary<string, Attr> AttributeDefaults { get; init; } = new(StringComparer.Ordinal);
    public List<Node> Nodes { get; init; } = [];
    public Dictionary<string, long> OpsetImports { get; init; } = new(StringComparer.Ordinal);
    public string? DocString { get; init; }
}

/// <summary>A whole model: the graph plus its opset imports and metadata.</summary>
public sealed class Model
{
    public Model(Graph graph) => Graph = graph;

    public Graph Graph { get; set; }
    public long IrVersion { get; set; } = 10;

    /// <summary>Opset version per domain; "" is ai.onnx.</summary>
    public Dictionary<string, long> OpsetImports { get; } = new(StringComparer.Ordinal) { [""] = 21 };

    public string ProducerName { get; set; } = "axon";
    public string ProducerVersion { get; set; } = "";
    public string Domain { get; set; } = "";
    public long ModelVersion { get; set; }
    public string? DocString { get; set; }
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Model-local functions as declared (already inlined into <see cref="Graph"/> on import; kept for export).</summary>
    public List<Function> Functions { get; } = [];

    /// <summary>The opset version in force for a domain ("" or "ai.onnx" is the default domain).</summary>
    public long OpsetFor(string domain) =>
        OpsetImports.TryGetValue(domain == "ai.onnx" ? "" : domain, out long v) ? v : 0;
}
