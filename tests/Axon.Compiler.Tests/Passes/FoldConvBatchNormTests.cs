using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FoldConvBatchNormTests
{
    private static Model ConvBn(string op, bool bias, long group = 1)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 4, 5, 5));
        g.Outputs.Add(F32("y", 1, 6, op == "Conv" ? 3 : 7, op == "Conv" ? 3 : 7));
        g.Initializers["w"] = op == "Conv" ? Random(10, 6, (int)(4 / group), 3, 3) : Random(10, 4, 6, 3, 3);
        var inputs = new List<string> { "x", "w" };
        if (bias)
        {
            g.Initializers["b"] = Random(11, 6);
            inputs.Add("b");
        }
        g.Initializers["scale"] = Random(12, 6);
        g.Initializers["beta"] = Random(13, 6);
        g.Initializers["mean"] = Random(14, 6);
        g.Initializers["var"] = Tensor.FromArray(new[] { 0.5f, 1f, 2f, 0.25f, 1.5f, 3f });
        g.Nodes.Add(N(op, inputs.ToArray(), "c", Attr.Of("group", group)));
        g.Nodes.Add(N("BatchNormalization", ["c", "scale", "beta", "mean", "var"], "y", Attr.Of("epsilon", 1e-3f)));
        return Model(g);
    }

    [Theory]
    [InlineData("Conv", true, 1)]
    [InlineData("Conv", false, 1)]
    [InlineData("Conv", true, 2)]
    [InlineData("ConvTranspose", true, 1)]
    public void FoldsBatchNormIntoWeights(string op, bool bias, long group)
    {
        var m = ConvBn(op, bias, group);
        var r = Apply(new FoldConvBatchNorm(), m, out var ctx);
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal(op, n.OpType);
        Assert.Equal("y", n.Outputs[0]);
        Assert.Equal(3, n.Inputs.Count);
        Assert.Equal(1, ctx.Stats["fold-conv-bn"]["folded"]);
        SameOutputs(m, r);
    }

    [Fact]
    public void LeavesBatchNormWhoseConvOutputIsReadElsewhere()
    {
        var m = ConvBn("Conv", true);
        m.Graph.Outputs.Add(F32("c", 1, 6, 3, 3));
        Assert.Same(m, Apply(new FoldConvBatchNorm(), m));
    }
}
