using Axon.Graph;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

public sealed class ShapeGradTests
{
    private const DType F64 = DType.Float64;

    private static Graph Start(out Dictionary<string, Tensor> data)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 4)));
        g.Initializers["p"] = GradCheck.Random(1, F64, 2, 3, 4);
        g.Nodes.Add(new Node("Mul", ["x", "p"], ["h"]));
        data = new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(2, F64, 2, 3, 4) };
        return g;
    }

    private static void Finish(Graph g, string y, Dictionary<string, Tensor> data)
    {
        MatMulGemmGradTests.AddLoss(g, y, null);
        GradCheck.Check(g, "loss", data);
    }

    [Fact]
    public void Reshape_Flatten_Transpose_Squeeze_Unsqueeze()
    {
        var g = Start(out var data);
        g.Initializers["shape"] = Tensor.FromArray(new long[] { 4, 6 });
        g.Initializers["ax"] = Tensor.FromArray(new long[] { 0 });
        g.Nodes.Add(new Node("Reshape", ["h", "shape"], ["r"]));
        g.Nodes.Add(new Node("Transpose", ["r"], ["t"]).SetAttr(Attr.Of("perm", new long[] { 1, 0 })));
        g.Nodes.Add(new Node("Unsqueeze", ["t", "ax"], ["u"]));
        g.Nodes.Add(new Node("Squeeze", ["u", "ax"], ["s"]));
        g.Nodes.Add(new Node("Flatten", ["s"], ["y"]).SetAttr(Attr.Of("axis", 0L)));
        Finish(g, "y", data);
    }

    [Fact]
    public void Concat_Slice_Split()
    {
        var g = Start(out var data);
        g.Initializers["q"] = GradCheck.Random(3, F64, 2, 2, 4);
        g.Initializers["starts"] = Tensor.FromArray(new long[] { 1, 0 });
        g.Initializers["ends"] = Tensor.FromArray(new long[] { 4, 3 });
        g.Initializers["axes"] = Tensor.FromArray(new long[] { 1, 2 });
        g.Initializers["split"] = Tensor.FromArray(new long[] { 1, 2 });
        g.Nodes.Add(new Node("Concat", ["h", "q"], ["c"]).SetAttr(Attr.Of("axis", 1L)));
        g.Nodes.Add(new Node("Slice", ["c", "starts", "ends", "axes"], ["s"]));
        g.Nodes.Add(new Node("Split", ["s", "split"], ["s0", "s1"]).SetAttr(Attr.Of("axis", 1L)));
        Finish(g, "s1", data);
    }

    [Fact]
    public void Reductions_and_expand()
    {
        var g = Start(out var data);
        g.Initializers["ax"] = Tensor.FromArray(new long[] { 1 });
        g.Initializers["shape"] = Tensor.FromArray(new long[] { 2, 3, 4 });
        g.Nodes.Add(new Node("ReduceMean", ["h", "ax"], ["m"]).SetAttr(Attr.Of("keepdims", 0L)));
        g.Nodes.Add(new Node("Unsqueeze", ["m", "ax"], ["mu"]));
        g.Nodes.Add(new Node("Expand", ["mu", "shape"], ["e"]));
        g.Nodes.Add(new Node("Mul", ["e", "h"], ["y"]));
        Finish(g, "y", data);
    }

    [Fact]
    public void Gather_embedding_accumulates_repeated_ids()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("ids", TypeInfo.Tensor(DType.Int64, 2, 3)));
        g.Initializers["table"] = GradCheck.Random(1, F64, 5, 4);
        g.Nodes.Add(new Node("Gather", ["table", "ids"], ["y"]).SetAttr(Attr.Of("axis", 0L)));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["ids"] = Tensor.FromArray(new long[] { 0, 3, 3, 1, 0, 4 }, 2, 3) });
    }

    [Fact]
    public void A_graph_without_a_rule_names_the_op()
    {
        var g = Start(out _);
        g.Nodes.Add(new Node("Sin", ["h"], ["y"]));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        var e = Assert.Throws<AxonUnsupportedException>(() => Axon.Training.Autograd.Build(g, "loss"));
        Assert.Contains("Sin", e.Message);
    }

    [Fact]
    public void A_non_scalar_loss_or_an_unknown_parameter_is_rejected_with_a_code()
    {
        var g = Start(out _);
        g.Outputs.Add(new ValueInfo("h", TypeInfo.Unknown));
        Assert.Equal("AXG001", Assert.Throws<AxonModelException>(() => Axon.Training.Autograd.Build(g, "h")).Code);
        Assert.Equal("AXG001", Assert.Throws<AxonModelException>(() => Axon.Training.Autograd.Build(g, "nope")).Code);
        MatMulGemmGradTests.AddLoss(g, "h", null);
        Assert.Equal("AXG004", Assert.Throws<AxonModelException>(() => Axon.Training.Autograd.Build(g, "loss", ["q"])).Code);
    }
}
