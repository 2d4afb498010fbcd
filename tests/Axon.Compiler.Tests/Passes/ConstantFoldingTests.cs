using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class ConstantFoldingTests
{
    [Fact]
    public void FoldsConstantSubgraphsAndMaterializesConstants()
    {
        // y = x * (Constant(2) + c)   with c = [1, 2, 3]
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3));
        g.Outputs.Add(F32("y", 3));
        g.Initializers["c"] = Tensor.FromArray(new[] { 1f, 2f, 3f });
        g.Nodes.Add(N("Constant", [], "two", Attr.Of("value", Scalar(2))));
        g.Nodes.Add(N("Add", ["two", "c"], "k"));
        g.Nodes.Add(N("Mul", ["x", "k"], "y"));
        var m = Model(g);
        var r = Apply(new ConstantFolding(), m, out var ctx);
        Assert.Equal(["Mul"], Ops(r));
        Assert.Equal([3f, 4f, 5f], r.Graph.Initializers["k"].ToArray<float>());
        Assert.Equal(1, ctx.Stats["constant-fold"]["constants-materialized"]);
        Assert.Equal(1, ctx.Stats["constant-fold"]["nodes-folded"]);
        Assert.Equal(3, m.Graph.Nodes.Count);
        SameOutputs(m, r);
    }

    [Fact]
    public void LeavesRandomOpsAndOverridableInitializersAlone()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("w", 2)); // an initializer that is also an input can be overridden: not a constant
        g.Initializers["w"] = Tensor.FromArray(new[] { 1f, 2f });
        g.Outputs.Add(F32("y", 2));
        g.Outputs.Add(F32("r", 2));
        g.Nodes.Add(N("Neg", ["w"], "y"));
        g.Nodes.Add(N("RandomUniform", [], "r", Attr.Of("shape", new long[] { 2 })));
        var m = Model(g);
        Assert.Same(m, Apply(new ConstantFolding(), m));
    }

    [Fact]
    public void DoesNotBlowUpSmallConstantsIntoHugeOnes()
    {
        var g = new Axon.Graph.Graph();
        g.Initializers["one"] = Tensor.FromArray(new[] { 1f });
        g.Initializers["shape"] = Tensor.FromArray(new long[] { 1000, 1000 });
        g.Outputs.Add(F32("y", 1000, 1000));
        g.Nodes.Add(N("Expand", ["one", "shape"], "y"));
        var m = Model(g);
        Assert.Same(m, Apply(new ConstantFolding(), m));
    }
}
