using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class RemoveNoOpsTests
{
    private static Model Chain(Action<Axon.Graph.Graph> build, long[] outShape)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 4));
        g.Outputs.Add(F32("y", outShape));
        build(g);
        return Model(g, opset: 17);
    }

    [Fact]
    public void RemovesIdentityDropoutAndSameTypeCast()
    {
        var m = Chain(g =>
        {
            g.Nodes.Add(N("Identity", ["x"], "a"));
            g.Nodes.Add(N("Dropout", ["a"], ["b", ""], Attr.Of("ratio", 0.5f)));
            g.ValueInfos["b"] = F32("b", 2, 3, 4);
            g.Nodes.Add(N("Cast", ["b"], "c", Attr.Of("to", (long)DType.Float32)));
            g.Nodes.Add(N("Cast", ["c"], "d", Attr.Of("to", (long)DType.Float16))); // a real conversion stays
            g.Nodes.Add(N("Cast", ["d"], "y", Attr.Of("to", (long)DType.Float32)));
        }, [2, 3, 4]);
        var r = Apply(new RemoveNoOps(), m, out var ctx);
        Assert.Equal(["Cast", "Cast"], Ops(r));
        Assert.Equal(["x"], r.Graph.Nodes[0].Inputs);
        Assert.Equal(1, ctx.Stats["remove-noops"]["dropout-removed"]);
        SameOutputs(m, r);
    }

    [Fact]
    public void CancelsTransposePairsAndComposesOthers()
    {
        var m = Chain(g =>
        {
            g.Nodes.Add(N("Transpose", ["x"], "a", Attr.Of("perm", new long[] { 1, 2, 0 })));
            g.Nodes.Add(N("Transpose", ["a"], "b", Attr.Of("perm", new long[] { 2, 0, 1 }))); // undoes a
            g.Nodes.Add(N("Transpose", ["b"], "c", Attr.Of("perm", new long[] { 1, 0, 2 })));
            g.Nodes.Add(N("Transpose", ["c"], "y", Attr.Of("perm", new long[] { 0, 2, 1 })));
        }, [3, 4, 2]);
        var r = new PassManager([Pipelines.Steps(1).OfType<FixedPointGroup>().First()]).Run(m);
        var t = Assert.Single(r.Graph.Nodes);
        Assert.Equal("Transpose", t.OpType);
        Assert.Equal(["x"], t.Inputs);
        Assert.Equal([1L, 2, 0], t.GetInts("perm")!);
        SameOutputs(m, r);
    }

    [Fact]
    public void CollapsesReshapeChainsAndDropsReshapeAndExpandThatChangeNothing()
    {
        var m = Chain(g =>
        {
            g.Initializers["s1"] = Tensor.FromArray(new long[] { 6, 4 });
            g.Initializers["s2"] = Tensor.FromArray(new long[] { 4, -1 });
            g.Initializers["same"] = Tensor.FromArray(new long[] { 0, 6 });
            g.Initializers["e"] = Tensor.FromArray(new long[] { 1, 6 });
            g.Initializers["u"] = Tensor.FromArray(Array.Empty<long>());
            g.Nodes.Add(N("Reshape", ["x", "s1"], "a"));
            g.Nodes.Add(N("Reshape", ["a", "s2"], "b"));
            g.ValueInfos["b"] = F32("b", 4, 6);
            g.Nodes.Add(N("Reshape", ["b", "same"], "c"));
            g.ValueInfos["c"] = F32("c", 4, 6);
            g.Nodes.Add(N("Expand", ["c", "e"], "d"));
            g.Nodes.Add(N("Relu", ["d"], "y"));
        }, [4, 6]);
        var r = new PassManager([Pipelines.Steps(1).OfType<FixedPointGroup>().First()]).Run(m);
        Assert.Equal(["Reshape", "Relu"], Ops(r));
        Assert.Equal(["x", "s2"], r.Graph.Nodes[0].Inputs);
        SameOutputs(m, r);
    }

    [Fact]
    public void KeepsNoOpsThatProduceGraphOutputs()
    {
        var m = Chain(g => g.Nodes.Add(N("Identity", ["x"], "y")), [2, 3, 4]);
        Assert.Same(m, Apply(new RemoveNoOps(), m));
    }

    [Fact]
    public void KeepsTrainingDropoutAndUnknownTypeCasts()
    {
        var m = Chain(g =>
        {
            g.Initializers["train"] = Tensor.FromArray(new[] { true }, Array.Empty<int>());
            g.Nodes.Add(N("Dropout", ["x", "", "train"], "a"));
            g.Nodes.Add(N("Exp", ["a"], "b"));
            g.Nodes.Add(N("Cast", ["b"], "y", Attr.Of("to", (long)DType.Float32)));
        }, [2, 3, 4]);
        Assert.Same(m, Apply(new RemoveNoOps(), m));
    }
}
