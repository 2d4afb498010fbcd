using Axon.Graph;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

public sealed class ActivationGradTests
{
    private const DType F64 = DType.Float64;

    /// <summary>y = op(x·p) with p the parameter, loss = Σ r·y².</summary>
    private static void CheckUnary(string op, params Attr[] attrs)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 3, 5)));
        g.Initializers["p"] = GradCheck.Random(1, F64, 3, 5);
        g.Nodes.Add(new Node("Mul", ["x", "p"], ["h"]));
        var n = new Node(op, ["h"], ["y"]);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        g.Nodes.Add(n);
        MatMulGemmGradTests.AddLoss(g, "y", null);
        var x = GradCheck.Random(2, F64, 3, 5);
        if (op is "Sqrt" or "Log")
        {
            x = Tensor.FromDoubles(F64, x.ToDoubles().Select(v => Math.Abs(v) + 0.5).ToArray(), 3, 5);
            g.Initializers["p"] = Tensor.FromDoubles(F64, g.Initializers["p"].ToDoubles().Select(v => Math.Abs(v) + 0.5).ToArray(), 3, 5);
        }
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = x }, tol: 1e-5);
    }

    [Theory]
    [InlineData("Relu")]
    [InlineData("Sigmoid")]
    [InlineData("Tanh")]
    [InlineData("Exp")]
    [InlineData("Neg")]
    [InlineData("Sqrt")]
    [InlineData("Log")]
    [InlineData("Identity")]
    public void Unary_op_matches_finite_differences(string op) => CheckUnary(op);

    [Fact]
    public void LeakyRelu_matches_finite_differences() => CheckUnary("LeakyRelu", Attr.Of("alpha", 0.2f));

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void Gelu_matches_finite_differences(string approximate) => CheckUnary("Gelu", Attr.Of("approximate", approximate));

    [Theory]
    [InlineData("Softmax", -1L)]
    [InlineData("Softmax", 0L)]
    [InlineData("LogSoftmax", 1L)]
    public void Softmax_family_matches_finite_differences(string op, long axis) => CheckUnary(op, Attr.Of("axis", axis));

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void Broadcasting_binary_op_matches_finite_differences(string op)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 4)));
        g.Initializers["a"] = GradCheck.Random(3, F64, 2, 3, 4);
        g.Initializers["b"] = Tensor.FromDoubles(F64, GradCheck.Random(4, F64, 3, 1).ToDoubles().Select(v => v + 2).ToArray(), 3, 1);
        g.Nodes.Add(new Node("Mul", ["x", "a"], ["h"]));
        g.Nodes.Add(new Node(op, ["h", "b"], ["y"]));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(5, F64, 2, 3, 4) });
    }

    [Fact]
    public void Dropout_in_training_mode_scales_the_kept_gradient()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 4, 6)));
        g.Initializers["p"] = GradCheck.Random(1, F64, 4, 6);
        g.Initializers["ratio"] = Tensor.Scalar(0.25);
        g.Initializers["train"] = Tensor.Scalar(true);
        g.Nodes.Add(new Node("Mul", ["x", "p"], ["h"]));
        g.Nodes.Add(new Node("Dropout", ["h", "ratio", "train"], ["y", "mask"]).SetAttr(Attr.Of("seed", 3L)));
        MatMulGemmGradTests.AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(2, F64, 4, 6) });
    }
}
