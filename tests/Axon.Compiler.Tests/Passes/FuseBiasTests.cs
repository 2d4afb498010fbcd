using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseBiasTests
{
    [Fact]
    public void MatMulPlusBiasBecomesFusedMatMul()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 4));
        g.Outputs.Add(F32("y", 2, 3, 5));
        g.Initializers["w"] = Random(2, 4, 5);
        g.Initializers["b"] = Random(3, 5);
        g.Nodes.Add(N("MatMul", ["x", "w"], "t"));
        g.Nodes.Add(N("Add", ["b", "t"], "y")); // bias first, as PyTorch exports it
        var m = Model(g);
        var r = Apply(new FuseBias(), m);
        Assert.Equal(["axon:FusedMatMul"], Ops(r));
        Assert.Equal(["x", "w", "b"], r.Graph.Nodes[0].Inputs);
        Assert.Equal(1, r.OpsetImports["axon"]);
        SameOutputs(m, r);
    }

    [Fact]
    public void GemmWithoutCTakesTheBias()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3, 4));
        g.Outputs.Add(F32("y", 3, 5));
        g.Initializers["w"] = Random(2, 5, 4);
        g.Initializers["b"] = Random(3, 5);
        g.Nodes.Add(N("Gemm", ["x", "w"], "t", Attr.Of("transB", 1L), Attr.Of("alpha", 0.5f)));
        g.Nodes.Add(N("Add", ["t", "b"], "y"));
        var m = Model(g);
        var r = Apply(new FuseBias(), m);
        Assert.Equal(["Gemm"], Ops(r));
        Assert.Equal(["x", "w", "b"], r.Graph.Nodes[0].Inputs);
        SameOutputs(m, r);
    }

    [Fact]
    public void NonVectorOrWrongLengthAddsStay()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 5, 4));
        g.Outputs.Add(F32("y", 5, 5));
        g.Initializers["w"] = Random(2, 4, 5);
        g.Initializers["m"] = Random(3, 5, 5);
        g.Nodes.Add(N("MatMul", ["x", "w"], "t"));
        g.Nodes.Add(N("Add", ["t", "m"], "y"));
        var m = Model(g);
        Assert.Same(m, Apply(new FuseBias(), m));
    }
}
