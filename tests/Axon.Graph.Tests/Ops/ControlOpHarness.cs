using Axon.Graph.Reference;

namespace Axon.Graph.Tests.Ops;

/// <summary>Builds tiny graphs and models by hand and runs them through the reference executor.</summary>
internal static class ControlOpHarness
{
    public static ValueInfo V(string name) => new(name, TypeInfo.Unknown);

    public static ValueInfo V(string name, DType t, params long[] dims) => new(name, TypeInfo.Tensor(t, dims));

    /// <summary>A graph over the named inputs and outputs holding <paramref name="nodes"/>.</summary>
    public static Graph G(string name, string[] inputs, string[] outputs, params Node[] nodes)
    {
        var g = new Graph { Name = name };
        g.Inputs.AddRange(inputs.Select(i => V(i)));
        g.Outputs.AddRange(outputs.Select(o => V(o)));
        g.Nodes.AddRange(nodes);
        return g;
    }

    public static Node N(string op, string[] inputs, string[] outputs, params Attr[] attrs) => NodeIn("", op, inputs, outputs, attrs);

    public static Node NodeIn(string domain, string op, string[] inputs, string[] outputs, params Attr[] attrs)
    {
        var n = new Node(op, inputs, outputs, domain: domain);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        return n;
    }

    /// <summary>Runs one node whose inputs are fed by name (null values are omitted inputs) and returns all outputs.</summary>
    public static IValue?[] RunNode(Node node, (string Name, IValue? Value)[] inputs, long opset = 21, string domain = "", long domainOpset = 1)
    {
        var g = new Graph { Name = "test" };
        foreach (var (name, _) in inputs)
        {
            g.Inputs.Add(V(name));
        }
        foreach (var o in node.Outputs.Where(o => o.Length > 0))
        {
            g.Outputs.Add(V(o));
        }
        g.Nodes.Add(node);
        var model = new Model(g);
        model.OpsetImports[""] = opset;
        if (domain.Length > 0)
        {
            model.OpsetImports[domain] = domainOpset;
        }
        var outs = new ReferenceExecutor(model).Run(inputs.ToDictionary(i => i.Name, i => i.Value));
        return outs.Select(kv => kv.Value).ToArray();
    }

    public static Tensor F(float[] v, params int[] shape) => Tensor.FromArray(v, shape.Length == 0 ? [v.Length] : shape);

    public static Tensor I64(long[] v, params int[] shape) => Tensor.FromArray(v, shape.Length == 0 ? [v.Length] : shape);

    public static Tensor S(string[] v, params int[] shape) => Tensor.FromStrings(v, shape.Length == 0 ? [v.Length] : shape);

    public static void Close(double[] expected, IValue? actual, double tol = 1e-5)
    {
        var t = Assert.IsType<Tensor>(actual);
        var a = t.ToDoubles();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"element {i}: expected {expected[i]}, got {a[i]}");
        }
    }
}
