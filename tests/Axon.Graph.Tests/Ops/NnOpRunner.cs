using Axon.Graph.Reference;

namespace Axon.Graph.Tests.Ops;

/// <summary>Runs a single-node model through the reference executor (helper for the nn op tests).</summary>
internal static class NnOpRunner
{
    public static Tensor[] Run(string op, Tensor?[] inputs, int outputs = 1, long opset = 22, params Attr[] attrs)
    {
        var g = new Graph();
        var names = new List<string>();
        var feed = new Dictionary<string, IValue?>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                names.Add("");
                continue;
            }
            string n = "in" + i;
            names.Add(n);
            g.Inputs.Add(new ValueInfo(n, TypeInfo.Tensor(inputs[i]!.DType, inputs[i]!.Shape.Select(d => (long)d).ToArray())));
            feed[n] = inputs[i];
        }
        var outs = Enumerable.Range(0, outputs).Select(i => "out" + i).ToArray();
        var node = new Node(op, names, outs);
        foreach (var a in attrs)
        {
            node.SetAttr(a);
        }
        g.Nodes.Add(node);
        foreach (var o in outs)
        {
            g.Outputs.Add(new ValueInfo(o, TypeInfo.Unknown));
        }
        var model = new Model(g);
        model.OpsetImports[""] = opset;
        return new ReferenceExecutor(model).Run(feed).Select(kv => (Tensor)kv.Value!).ToArray();
    }

    public static Tensor F(float[] v, params int[] shape) => Tensor.FromArray(v, shape);

    public static void Near(double[] expected, Tensor actual, double tol = 1e-5)
    {
        var a = actual.ToDoubles();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: expected {expected[i]}, got {a[i]}");
        }
    }
}
