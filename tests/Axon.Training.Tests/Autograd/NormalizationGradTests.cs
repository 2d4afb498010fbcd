using Axon.Graph;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

public sealed class NormalizationGradTests
{
    private const DType F64 = DType.Float64;

    [Fact]
    public void BatchNorm_in_training_mode_matches_finite_differences_and_exposes_running_stats_as_state()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 3, 2, 4, 3)));
        g.Initializers["w"] = GradCheck.Random(1, F64, 3, 2, 4, 3);
        g.Initializers["scale"] = GradCheck.Random(2, F64, 2);
        g.Initializers["bias"] = GradCheck.Random(3, F64, 2);
        g.Initializers["mean"] = Tensor.FromDoubles(F64, [0.0, 0.0], 2);
        g.Initializers["var"] = Tensor.FromDoubles(F64, [1.0, 1.0], 2);
        g.Nodes.Add(new Node("Mul", ["x", "w"], ["h"]));
        var bn = new Node("BatchNormalization", ["h", "scale", "bias", "mean", "var"], ["y", "mean_out", "var_out"]);
        bn.SetAttr(Attr.Of("training_mode", 1L)).SetAttr(Attr.Of("momentum", 0.9f));
        g.Nodes.Add(bn);
        MatMulGemmGradTests.AddLoss(g, "y", null);
        var tg = GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(4, F64, 3, 2, 4, 3) });
        Assert.Equal(["w", "scale", "bias", "r_y"], tg.Parameters);
        Assert.Equal("mean_out", tg.StateOf["mean"]);
        Assert.Equal("var_out", tg.StateOf["var"]);
        Assert.Contains(tg.Graph.Outputs, o => o.Name == "var_out");
    }

    [Fact]
    public void BatchNorm_in_inference_mode_matches_finite_differences()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 2, 2)));
        g.Initializers["w"] = GradCheck.Random(1, F64, 2, 3, 2, 2);
        g.Initializers["scale"] = GradCheck.Random(2, F64, 3);
        g.Initializers["bias"] = GradCheck.Random(3, F64, 3);
        g.Initializers["mean"] = GradCheck.Random(4, F64, 3);
        g.Initializers["var"] = Tensor.FromDoubles(F64, [0.5, 1.5, 2.0], 3);
        g.Nodes.Add(new Node("Mul", ["x", "w"], ["h"]));
        g.Nodes.Add(new Node("BatchNormalization", ["h", "scale", "bias", "mean", "var"], ["y"]));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(5, F64, 2, 3, 2, 2) }, parameters: ["w", "scale", "bias"]);
    }

    [Fact]
    public void LayerNorm_matches_finite_differences()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 5)));
        g.Initializers["w"] = GradCheck.Random(1, F64, 2, 3, 5);
        g.Initializers["scale"] = GradCheck.Random(2, F64, 5);
        g.Initializers["bias"] = GradCheck.Random(3, F64, 5);
        g.Nodes.Add(new Node("Mul", ["x", "w"], ["h"]));
        g.Nodes.Add(new Node("LayerNormalization", ["h", "scale", "bias"], ["y"]).SetAttr(Attr.Of("axis", -1L)));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(4, F64, 2, 3, 5) });
    }
}
