using Axon.Graph;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

public sealed class ConvPoolGradTests
{
    private const DType F64 = DType.Float64;

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 1, 2, 1)]
    [InlineData(2, 0, 1, 2)]
    public void Conv_matches_finite_differences(int stride, int pad, int dilation, int group)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 4, 6, 5)));
        g.Initializers["w"] = GradCheck.Random(1, F64, 6, 4 / group, 3, 2);
        g.Initializers["b"] = GradCheck.Random(2, F64, 6);
        g.Initializers["x0"] = GradCheck.Random(3, F64, 2, 4, 6, 5);
        g.Nodes.Add(new Node("Add", ["x", "x0"], ["xin"]));
        var conv = new Node("Conv", ["xin", "w", "b"], ["y"]);
        conv.SetAttr(Attr.Of("strides", new long[] { stride, stride })).SetAttr(Attr.Of("pads", new long[] { pad, pad, pad, pad }))
            .SetAttr(Attr.Of("dilations", new long[] { dilation, dilation })).SetAttr(Attr.Of("group", (long)group));
        g.Nodes.Add(conv);
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(4, F64, 2, 4, 6, 5) }, maxPerParam: 12);
    }

    [Theory]
    [InlineData("MaxPool", 2, 2, 0)]
    [InlineData("MaxPool", 3, 2, 1)]
    [InlineData("AveragePool", 2, 2, 0)]
    [InlineData("AveragePool", 3, 1, 1)]
    [InlineData("GlobalAveragePool", 0, 0, 0)]
    public void Pooling_matches_finite_differences(string op, int kernel, int stride, int pad)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 5, 6)));
        g.Initializers["p"] = GradCheck.Random(5, F64, 2, 3, 5, 6);
        g.Nodes.Add(new Node("Mul", ["x", "p"], ["h"]));
        var pool = new Node(op, ["h"], ["y"]);
        if (kernel > 0)
        {
            pool.SetAttr(Attr.Of("kernel_shape", new long[] { kernel, kernel })).SetAttr(Attr.Of("strides", new long[] { stride, stride }))
                .SetAttr(Attr.Of("pads", new long[] { pad, pad, pad, pad }));
        }
        g.Nodes.Add(pool);
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(6, F64, 2, 3, 5, 6) }, maxPerParam: 30);
    }
}
