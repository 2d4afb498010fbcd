using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseLayerNormTests
{
    /// <summary>The PyTorch export: ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add.</summary>
    private static Model Decomposed(long opset, bool swapped)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 8));
        g.Outputs.Add(F32("y", 2, 3, 8));
        g.Initializers["two"] = Scalar(2);
        g.Initializers["eps"] = Scalar(1e-5f);
        g.Initializers["gamma"] = Random(5, 8);
        g.Initializers["beta"] = Random(6, 8);
        var axes = Attr.Of("axes", new long[] { -1 });
        if (opset >= 18)
        {
            g.Initializers["axes"] = Tensor.FromArray(new long[] { -1 });
        }
        Node Mean(string i, string o) => opset >= 18 ? N("ReduceMean", [i, "axes"], o) : N("ReduceMean", [i], o, axes);
        g.Nodes.Add(Mean("x", "m"));
        g.Nodes.Add(N("Sub", ["x", "m"], "d"));
        g.Nodes.Add(N("Pow", ["d", "two"], "p"));
        g.Nodes.Add(Mean("p", "v"));
        g.Nodes.Add(N("Add", swapped ? ["eps", "v"] : ["v", "eps"], "ve"));
        g.Nodes.Add(N("Sqrt", ["ve"], "s"));
        g.Nodes.Add(N("Div", ["d", "s"], "n"));
        g.Nodes.Add(N("Mul", swapped ? ["gamma", "n"] : ["n", "gamma"], "g"));
        g.Nodes.Add(N("Add", swapped ? ["beta", "g"] : ["g", "beta"], "y"));
        return Model(g, opset);
    }

    [Theory]
    [InlineData(13, false, "axon:LayerNorm")]
    [InlineData(13, true, "axon:LayerNorm")]
    [InlineData(17, false, "LayerNormalization")]
    [InlineData(18, true, "LayerNormalization")]
    public void FusesDecomposedLayerNorm(long opset, bool swapped, string expected)
    {
        var m = Decomposed(opset, swapped);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseLayerNorm(), m));
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal(expected, Ops(r)[0]);
        Assert.Equal(["x", "gamma", "beta"], n.Inputs);
        Assert.Equal(1e-5f, n.GetFloat("epsilon", 0));
        SameOutputs(m, r);
    }

    [Fact]
    public void NormalizingTheWrongAxisIsNotFused()
    {
        var m = Decomposed(13, false);
        var first = m.Graph.Nodes[0];
        m.Graph.Nodes[0] = new Node("ReduceMean", first.Inputs, first.Outputs).SetAttr(Attr.Of("axes", new long[] { 1 }));
        Assert.Same(m, Apply(new FuseLayerNorm(), m));
    }
}
