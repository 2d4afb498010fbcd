using Axon.Compiler.Passes;
using Axon.Compiler.Tests.Support;
using Axon.Graph;
using Axon.Graph.Builder;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

/// <summary>Layout selection: which nodes go blocked, where the reorders land, and that the numbers do not move.</summary>
public sealed class SelectConvLayoutTests
{
    /// <summary>x [1, 20, 9, 9] -> Conv 3x3 (20->24) -> Relu -> MaxPool -> Conv 1x1 (24->17) -> {graph output, Concat}.</summary>
    private static Model Chain()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 20, 9, 9));
        g.Initializers["w1"] = Random(1, 24, 20, 3, 3);
        g.Initializers["b1"] = Random(2, 24);
        g.Initializers["w2"] = Random(3, 17, 24, 1, 1);
        g.Nodes.Add(N("Conv", ["x", "w1", "b1"], "c1", Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
        g.Nodes.Add(N("Relu", ["c1"], "r1"));
        g.Nodes.Add(N("MaxPool", ["r1"], "p1", Attr.Of("kernel_shape", new long[] { 3, 3 }), Attr.Of("strides", new long[] { 2, 2 })));
        g.Nodes.Add(N("Conv", ["p1", "w2"], "c2"));
        g.Nodes.Add(N("Concat", ["c2", "c2"], "cat", Attr.Of("axis", 1L)));
        g.Outputs.Add(F32("c2", 1, 17, 4, 4));
        g.Outputs.Add(F32("cat", 1, 34, 4, 4));
        return Apply(new InferShapes(), Model(g));
    }

    [Fact]
    public void ReordersSitOnlyAtTheRegionEdges()
    {
        var before = Chain();
        var after = Apply(new SelectConvLayout(), before, out var ctx);
        Assert.Equal(["axon:ReorderToNchwc", "axon:NchwcConv", "Relu", "axon:NchwcMaxPool", "axon:NchwcConv", "axon:ReorderFromNchwc", "Concat"], Ops(after));
        // One reorder in (the graph input), one out, shared by the graph output and the Concat, under the original name.
        var back = after.Graph.Nodes.Single(n => n.OpType == "ReorderFromNchwc");
        Assert.Equal("c2", back.Outputs[0]);
        Assert.Equal(17, back.GetInt("channels", 0));
        Assert.Equal(24, after.Graph.Nodes.Single(n => n.OpType == "NchwcMaxPool").GetInt("channels", 0));
        Assert.Equal(1, ctx.Stats["select-conv-layout"]["reorders-in"]);
        Assert.Equal(1, ctx.Stats["select-conv-layout"]["reorders-out"]);
        SameOutputs(before, after);
    }

    [Fact]
    public void AGraphWithoutConvolutionsIsLeftAlone()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 16, 4, 4));
        g.Nodes.Add(N("MaxPool", ["x"], "y", Attr.Of("kernel_shape", new long[] { 2, 2 })));
        g.Outputs.Add(F32("y", 1, 16, 3, 3));
        var m = Apply(new InferShapes(), Model(g));
        Assert.Same(m.Graph, Apply(new SelectConvLayout(), m).Graph);
    }

    [Fact]
    public void GroupedConvolutionsAndBroadcastsStayPlain()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 16, 5, 5));
        g.Initializers["w"] = Random(4, 16, 16, 3, 3);
        g.Initializers["wg"] = Random(5, 16, 4, 1, 1);
        g.Initializers["s"] = Random(6, 1, 16, 1, 1);
        g.Nodes.Add(N("Conv", ["x", "w"], "c", Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
        g.Nodes.Add(N("Mul", ["c", "s"], "m"));
        g.Nodes.Add(N("Conv", ["m", "wg"], "y", Attr.Of("group", 4L)));
        g.Outputs.Add(F32("y", 1, 16, 5, 5));
        var before = Apply(new InferShapes(), Model(g));
        var after = Apply(new SelectConvLayout(), before);
        Assert.Equal(["axon:ReorderToNchwc", "axon:NchwcConv", "axon:ReorderFromNchwc", "Mul", "Conv"], Ops(after));
        SameOutputs(before, after);
    }

    [Fact]
    public void SmallCnnGoesBlockedFromTheStemToTheGlobalPool()
    {
        var model = ModelZoo.SmallCnn(channels: 3, size: 12, width: 20);
        var optimized = Pipelines.For(2).Run(model);
        var ops = Ops(optimized);
        Assert.Equal(2, Count(optimized, "axon:NchwcConv"));
        Assert.Equal(1, Count(optimized, "axon:NchwcMaxPool"));
        Assert.Equal(1, Count(optimized, "axon:NchwcGlobalAveragePool"));
        // The stem reads the 3-channel input plain, the global pool writes plain: no reorder anywhere.
        Assert.DoesNotContain("axon:ReorderToNchwc", ops);
        Assert.DoesNotContain("axon:ReorderFromNchwc", ops);
        var inputs = new Dictionary<string, IValue?> { ["x"] = Random(7, 2, 3, 12, 12) };
        SameOutputs(model, optimized, inputs, rtol: 1e-4, atol: 1e-5);
    }

    [Fact]
    public void ResNet50RunsBlockedEndToEndWithoutReorders()
    {
        var model = ResNet50Zoo.Build(classes: 10, size: 32);
        var optimized = Pipelines.For(2).Run(model);
        var ops = Ops(optimized);
        Assert.Equal(53, Count(optimized, "axon:NchwcConv"));
        Assert.Equal(16, optimized.Graph.Nodes.Count(n => n.OpType == "NchwcConv" && n.Inputs.Count == 4));
        Assert.Equal(1, Count(optimized, "axon:NchwcMaxPool"));
        Assert.Equal(1, Count(optimized, "axon:NchwcGlobalAveragePool"));
        Assert.DoesNotContain("axon:ReorderToNchwc", ops);
        Assert.DoesNotContain("axon:ReorderFromNchwc", ops);
        Assert.DoesNotContain("axon:FusedConv", ops);
        // The only plain-input convolution is the stem.
        Assert.Single(optimized.Graph.Nodes, n => n.OpType == "NchwcConv" && optimized.Graph.TypeOf(n.Inputs[0]) is { } t && t.Shape.HasRank && t.Shape.Rank == 4);
    }
}
