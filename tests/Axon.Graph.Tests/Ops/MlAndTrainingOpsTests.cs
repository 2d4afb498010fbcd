using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class MlAndTrainingOpsTests
{
    private const string Ml = "ai.onnx.ml";
    private const string Training = "ai.onnx.preview.training";

    [Fact]
    public void LabelEncoderMapsStringsToIntsWithDefault()
    {
        var node = NodeIn(Ml, "LabelEncoder", ["x"], ["y"], Attr.Of("keys_strings", new[] { "a", "b" }),
            Attr.Of("values_int64s", new long[] { 1, 2 }), Attr.Of("default_int64", 42L));
        var outs = RunNode(node, [("x", S(["b", "z", "a"]))], domain: Ml, domainOpset: 4);
        Assert.Equal([2L, 42L, 1L], ((Tensor)outs[0]!).ToInt64s());
    }

    [Fact]
    public void BinarizerAndArrayFeatureExtractor()
    {
        var bin = RunNode(NodeIn(Ml, "Binarizer", ["x"], ["y"], Attr.Of("threshold", 1f)), [("x", F([0, 1, 2]))], domain: Ml);
        Close([0, 0, 1], bin[0]);
        var afe = RunNode(NodeIn(Ml, "ArrayFeatureExtractor", ["x", "i"], ["y"]), [("x", F([1, 2, 3, 4, 5, 6], 2, 3)), ("i", I64([2, 0]))], domain: Ml);
        var y = Assert.IsType<Tensor>(afe[0]);
        Assert.Equal([2, 2], y.Shape);
        Close([3, 1, 6, 4], y);
    }

    [Fact]
    public void TreeEnsembleSumsLeavesOfEachTree()
    {
        // One tree: node 0 tests x[0] <= 0.5; true -> leaf 0 (weight 1), false -> leaf 1 (weight 10).
        var node = NodeIn(Ml, "TreeEnsemble", ["x"], ["y"],
            Attr.Of("nodes_featureids", new long[] { 0 }), Attr.Of("nodes_splits", F([0.5f])),
            Attr.Of("nodes_modes", Tensor.FromArray(new byte[] { 0 })),
            Attr.Of("nodes_truenodeids", new long[] { 0 }), Attr.Of("nodes_trueleafs", new long[] { 1 }),
            Attr.Of("nodes_falsenodeids", new long[] { 1 }), Attr.Of("nodes_falseleafs", new long[] { 1 }),
            Attr.Of("tree_roots", new long[] { 0 }), Attr.Of("leaf_targetids", new long[] { 0, 0 }),
            Attr.Of("leaf_weights", F([1, 10])), Attr.Of("n_targets", 1L));
        var outs = RunNode(node, [("x", F([0.2f, 0.9f], 2, 1))], domain: Ml, domainOpset: 5);
        Close([1, 10], outs[0]);
    }

    [Fact]
    public void AdagradStep()
    {
        // r = 1; G' = 2; H' = 1 + 4 = 5; X' = 1 - 2/√5.
        var outs = RunNode(NodeIn(Training, "Adagrad", ["r", "t", "x", "g", "h"], ["x2", "h2"]),
            [("r", Tensor.Scalar(1f)), ("t", Tensor.Scalar(0L)), ("x", F([1])), ("g", F([2])), ("h", F([1]))], domain: Training);
        Close([1 - 2 / Math.Sqrt(5)], outs[0]);
        Close([5], outs[1]);
    }

    [Fact]
    public void AdamStep()
    {
        // T = 1: V' = 0.1·2 = 0.2; H' = 0.001·4 = 0.004; R' = 0.1·√0.001/0.1; X' = 1 - R'·0.2/√0.004.
        var outs = RunNode(NodeIn(Training, "Adam", ["r", "t", "x", "g", "v", "h"], ["x2", "v2", "h2"]),
            [("r", Tensor.Scalar(0.1f)), ("t", Tensor.Scalar(1L)), ("x", F([1])), ("g", F([2])), ("v", F([0])), ("h", F([0]))], domain: Training);
        double rAdj = 0.1 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        Close([1 - rAdj * 0.2 / Math.Sqrt(0.004)], outs[0], 1e-4);
        Close([0.2], outs[1]);
        Close([0.004], outs[2]);
    }

    [Theory]
    [InlineData("standard", 1 - 0.1 * 2.5)]
    [InlineData("nesterov", 1 - 0.1 * (2 + 0.5 * 2.5))]
    public void MomentumStep(string mode, double expected)
    {
        // T = 1: V' = 0.5·1 + 1·2 = 2.5.
        var node = NodeIn(Training, "Momentum", ["r", "t", "x", "g", "v"], ["x2", "v2"], Attr.Of("alpha", 0.5f), Attr.Of("beta", 1f),
            Attr.Of("mode", mode), Attr.Of("norm_coefficient", 0f));
        var outs = RunNode(node, [("r", Tensor.Scalar(0.1f)), ("t", Tensor.Scalar(1L)), ("x", F([1])), ("g", F([2])), ("v", F([1]))], domain: Training);
        Close([expected], outs[0]);
        Close([2.5], outs[1]);
    }
}

public class LabelEncoderOpset1Tests
{
    [Fact]
    public void ClassesStringsMapBothWays()
    {
        const string Ml = "ai.onnx.ml";
        var toInt = ControlOpHarness.NodeIn(Ml, "LabelEncoder", ["x"], ["y"], Attr.Of("classes_strings", new[] { "a", "b" }));
        var ints = ControlOpHarness.RunNode(toInt, [("x", ControlOpHarness.S(["b", "q"]))], domain: Ml);
        Assert.Equal([1L, -1L], ((Tensor)ints[0]!).ToInt64s());
        var toString = ControlOpHarness.NodeIn(Ml, "LabelEncoder", ["x"], ["y"], Attr.Of("classes_strings", new[] { "a", "b" }), Attr.Of("default_string", "?"));
        var strs = ControlOpHarness.RunNode(toString, [("x", ControlOpHarness.I64([0, 5]))], domain: Ml);
        Assert.Equal(["a", "?"], ((Tensor)strs[0]!).Strings.ToArray());
    }
}
