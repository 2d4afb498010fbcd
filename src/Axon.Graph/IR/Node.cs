namespace Axon.Graph;

/// <summary>
/// One operator application. Inputs and outputs are value names; an empty name marks an omitted optional input or output,
/// as in ONNX. Nodes are treated as immutable once in a graph: passes build new nodes with <see cref="With"/>.
/// </summary>
public sealed class Node
{
    public Node(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string name = "", string domain = "")
    {
        OpType = opType;
        Inputs = inputs.ToList();
        Outputs = outputs.ToList();
        Name = name;
        Domain = domain == "ai.onnx" ? "" : domain;
    }

    public string Name { get; set; }
    public string OpType { get; }

    /// <summary>Operator domain; "" is ai.onnx.</summary>
    public string Domain { get; }

    public List<string> Inputs { get; }
    public List<string> Outputs { get; }
    public Dictionary<string, Attr> Attributes { get; } = new(StringComparer.Ordinal);
    public string? DocString { get; set; }

    /// <summary>A name for messages: the node name if any, else its first output.</summary>
    public string DisplayName => Name.Length > 0 ? Name : Outputs.FirstOrDefault(o => o.Length > 0) ?? OpType;

    public override string ToString() => $"node '{DisplayName}' ({(Domain.Length > 0 ? Domain + ":" : "")}{OpType})";

    public bool HasAttr(string name) => Attributes.ContainsKey(name);
    public Attr? GetAttr(string name) => Attributes.GetValueOrDefault(name);

    public long GetInt(string name, long def) => Attributes.TryGetValue(name, out var a) ? a.I : def;
    public float GetFloat(string name, float def) => Attributes.TryGetValue(name, out var a) ? a.F : def;
    public string GetString(string name, string def) => Attributes.TryGetValue(name, out var a) ? a.StringValue : def;
    public long[]? GetInts(string name) => Attributes.TryGetValue(name, out var a) ? a.Ints : null;
    public float[]? GetFloats(string name) => Attributes.TryGetValue(name, out var a) ? a.Floats : null;
    public string[]? GetStrings(string name) => Attributes.TryGetValue(name, out var a) ? a.Strings.Select(s => System.Text.Encoding.UTF8.GetString(s)).ToArray() : null;
    public Tensor? GetTensor(string name) => Attributes.TryGetValue(name, out var a) ? a.T : null;
    public Graph? GetGraph(string name) => Attributes.TryGetValue(name, out var a) ? a.G : null;

    public Node SetAttr(Attr a)
    {
        Attributes[a.Name] = a;
        return this;
    }

    /// <summary>A copy with other inputs/outputs (attributes shared: they are immutable).</summary>
    public Node With(IEnumerable<string>? inputs = null, IEnumerable<string>? outputs = null, string? opType = null, string? domain = null)
    {
        var n = new Node(opType ?? OpType, inputs ?? Inputs, outputs ?? Outputs, Name, domain ?? Domain) { DocString = DocString };
        foreach (var kv in Attributes)
        {
            n.Attributes[kv.Key] = kv.Value;
        }
        return n;
    }

    /// <summary>Subgraphs held in attributes (If branches, Loop/Scan bodies).</summary>
    public IEnumerable<Graph> Subgraphs()
    {
        foreach (var a in Attributes.Values)
        {
            if (a.G is not null)
            {
                yield return a.G;
            }
            foreach (var g in a.Graphs)
            {
                yield return g;
            }
        }
    }
}
