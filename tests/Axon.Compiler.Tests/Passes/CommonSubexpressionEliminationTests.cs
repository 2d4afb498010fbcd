using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class CommonSubexpressionEliminationTests
{
    [Fact]
    public void MergesIdenticalNodesTransitively()
    {
        // a1 = Exp(x); a2 = Exp(x); b1 = Add(a1, x); b2 = Add(a2, x); y = b1 * b2
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 4));
        g.Outputs.Add(F32("y", 4));
        g.Nodes.Add(N("Exp", ["x"], "a1"));
        g.Nodes.Add(N("Exp", ["x"], "a2"));
        g.Nodes.Add(N("Add", ["a1", "x"], "b1"));
        g.Nodes.Add(N("Add", ["a2", "x"], "b2"));
        g.Nodes.Add(N("LeakyRelu", ["b1"], "c1", Attr.Of("alpha", 0.1f)));
        g.Nodes.Add(N("LeakyRelu", ["b2"], "c2", Attr.Of("alpha", 0.2f))); // different attribute: kept
        g.Nodes.Add(N("Mul", ["c1", "c2"], "y"));
        var m = Model(g);
        var r = Apply(new CommonSubexpressionElimination(), m, out var ctx);
        Assert.Equal(["Exp", "Add", "LeakyRelu", "LeakyRelu", "Mul"], Ops(r));
        Assert.Equal(["b1"], r.Graph.Nodes[3].Inputs);
        Assert.Equal(2, ctx.Stats["cse"]["nodes-merged"]);
        SameOutputs(m, r);
    }

    [Fact]
    public void ConstantsWithDifferentValuesStayApart()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1));
        g.Outputs.Add(F32("y", 1));
        g.Nodes.Add(N("Constant", [], "c1", Attr.Of("value", Scalar(1))));
        g.Nodes.Add(N("Constant", [], "c2", Attr.Of("value", Scalar(2))));
        g.Nodes.Add(N("Constant", [], "c3", Attr.Of("value", Scalar(2))));
        g.Nodes.Add(N("Sum", ["x", "c1", "c2", "c3"], "y"));
        var m = Model(g);
        var r = Apply(new CommonSubexpressionElimination(), m);
        Assert.Equal(3, r.Graph.Nodes.Count);
        Assert.Equal(["x", "c1", "c2", "c2"], r.Graph.Nodes[2].Inputs);
        SameOutputs(m, r);
    }
}
