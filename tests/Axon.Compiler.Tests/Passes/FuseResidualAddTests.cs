using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseResidualAddTests
{
    [Fact]
    public void ConvPlusShortcutThenReluBecomesOneFusedConv()
    {
        // y = Relu(Conv(x) + x): residual first, then the activation over the sum
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 3, 6, 6));
        g.Outputs.Add(F32("y", 1, 3, 6, 6));
        g.Initializers["w"] = Random(2, 3, 3, 3, 3);
        g.Initializers["b"] = Random(3, 3);
        g.Nodes.Add(N("Conv", ["x", "w", "b"], "c", Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
        g.Nodes.Add(N("Add", ["x", "c"], "s"));
        g.Nodes.Add(N("Relu", ["s"], "y"));
        var m = Model(g);
        var r = Apply(new FuseResidualAdd(), m);
        Assert.Equal(["axon:FusedConv", "Relu"], Ops(r));
        Assert.Equal(["x", "w", "b", "x"], r.Graph.Nodes[0].Inputs);
        SameOutputs(m, r);
        var r2 = Apply(new FuseActivation(), r);
        var n = Assert.Single(r2.Graph.Nodes);
        Assert.Equal("Relu", n.GetString("activation", ""));
        SameOutputs(m, r2);
    }

    [Fact]
    public void MatMulWithoutBiasGetsAnEmptyBiasSlot()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 4));
        g.Inputs.Add(F32("r", 2, 4));
        g.Outputs.Add(F32("y", 2, 4));
        g.Initializers["w"] = Random(2, 4, 4);
        g.Nodes.Add(N("MatMul", ["x", "w"], "t"));
        g.Nodes.Add(N("Add", ["t", "r"], "y"));
        var m = Model(g);
        var r = Apply(new FuseResidualAdd(), m);
        Assert.Equal(["x", "w", "", "r"], Assert.Single(r.Graph.Nodes).Inputs);
        SameOutputs(m, r);
    }

    [Fact]
    public void ActivatedProducerTakesNoResidual()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 4));
        g.Outputs.Add(F32("y", 2, 4));
        g.Initializers["w"] = Random(2, 4, 4);
        var f = new Node("FusedMatMul", ["x", "w"], ["t"], domain: "axon").SetAttr(Attr.Of("activation", "Relu"));
        g.Nodes.Add(f);
        g.Nodes.Add(N("Add", ["t", "x"], "y"));
        var m = Model(g);
        m.OpsetImports["axon"] = 1;
        Assert.Same(m, Apply(new FuseResidualAdd(), m));
    }
}
