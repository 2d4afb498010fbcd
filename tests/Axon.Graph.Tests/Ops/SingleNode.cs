using Axon.Graph.Reference;

namespace Axon.Graph.Tests.Ops;

/// <summary>
/// The op tests' one harness: a model of one node (inputs <c>in0, in1, ...</c>, a null input is omitted; outputs
/// <c>out0, out1, ...</c>) run through the reference executor. The op families' runners are thin views over it.
/// </summary>
internal static class SingleNode
{
    /// <param name="typedInputs">declare each input's dtype and shape on the graph (otherwise unknown, inferred from the feed)</param>
    public static IValue?[] Run(string op, IValue?[] inputs, int outputs, long opset, IEnumerable<Attr>? attrs = null,
        string domain = "", bool typedInputs = false)
    {
        var g = new Graph();
        var inNames = new List<string>();
        var feeds = new Dictionary<string, IValue?>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } value)
            {
                inNames.Add("");
                continue;
            }
            string name = "in" + i;
            inNames.Add(name);
            var type = typedInputs && value is Tensor t ? TypeInfo.Tensor(t.DType, t.Shape.Select(d => (long)d).ToArray()) : TypeInfo.Unknown;
            g.Inputs.Add(new ValueInfo(name, type));
            feeds[name] = value;
        }
        var outNames = Enumerable.Range(0, outputs).Select(i => "out" + i).ToList();
        var node = new Node(op, inNames, outNames, domain: domain);
        foreach (var a in attrs ?? [])
        {
            node.SetAttr(a);
        }
        g.Nodes.Add(node);
        foreach (var o in outNames)
        {
            g.Outputs.Add(new ValueInfo(o, TypeInfo.Unknown));
        }
        var model = new Model(g);
        model.OpsetImports[domain] = opset;
        return new ReferenceExecutor(model).Run(feeds).Select(kv => kv.Value).ToArray();
    }
}
