using Axon.Graph.Reference;

namespace Axon.Graph.Tests.Ops;

/// <summary>Runs one node through the reference executor: inputs are named i0, i1, ... (null = omitted), outputs o0, o1, ...</summary>
internal static class MathOpRunner
{
    public static IValue?[] Run(string op, IValue?[] inputs, int outputs = 1, long opset = 21, params Attr[] attrs)
    {
        var g = new Graph();
        var inNames = new List<string>();
        var feeds = new Dictionary<string, IValue?>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                inNames.Add("");
                continue;
            }
            string name = "i" + i;
            inNames.Add(name);
            g.Inputs.Add(new ValueInfo(name, TypeInfo.Unknown));
            feeds[name] = inputs[i];
        }
        var outNames = Enumerable.Range(0, outputs).Select(i => "o" + i).ToList();
        var node = new Node(op, inNames, outNames);
        foreach (var a in attrs)
        {
            node.SetAttr(a);
        }
        g.Nodes.Add(node);
        foreach (var o in outNames)
        {
            g.Outputs.Add(new ValueInfo(o, TypeInfo.Unknown));
        }
        var model = new Model(g);
        model.OpsetImports[""] = opset;
        return new ReferenceExecutor(model).Run(feeds).Select(kv => kv.Value).ToArray();
    }

    /// <summary>Single-output convenience.</summary>
    public static Tensor Run1(string op, Tensor[] inputs, long opset = 21, params Attr[] attrs) =>
        (Tensor)Run(op, inputs, 1, opset, attrs)[0]!;

    public static Tensor F32(params float[] v) => Tensor.FromArray(v);
    public static Tensor F64(params double[] v) => Tensor.FromArray(v);
    public static Tensor I64(params long[] v) => Tensor.FromArray(v);
    public static Tensor I32(params int[] v) => Tensor.FromArray(v);
}
