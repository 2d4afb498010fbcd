using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training.Tests.Autograd;

using Graph = Axon.Graph.Graph;

public sealed class MatMulGemmGradTests
{
    private const DType F64 = DType.Float64;

    [Theory]
    [InlineData(false, false, 1f, 1f)]
    [InlineData(true, false, 0.5f, 2f)]
    [InlineData(false, true, 1f, 1f)]
    [InlineData(true, true, 1.5f, 0.5f)]
    public void Gemm_matches_finite_differences(bool ta, bool tb, float alpha, float beta)
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 3, 4)));
        g.Initializers["a"] = GradCheck.Random(1, F64, ta ? [5, 3] : [3, 5]);
        g.Initializers["b"] = GradCheck.Random(2, F64, tb ? [4, 5] : [5, 4]);
        g.Initializers["c"] = GradCheck.Random(3, F64, 4);
        var gemm = new Node("Gemm", ["a", "b", "c"], ["y"]);
        gemm.SetAttr(Attr.Of("transA", ta ? 1L : 0L)).SetAttr(Attr.Of("transB", tb ? 1L : 0L)).SetAttr(Attr.Of("alpha", alpha)).SetAttr(Attr.Of("beta", beta));
        g.Nodes.Add(gemm);
        AddLoss(g, "y", "x");
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(4, F64, 3, 4) });
    }

    [Fact]
    public void Batched_MatMul_with_broadcast_weight_matches_finite_differences()
    {
        var g = new Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(F64, 2, 3, 4)));
        g.Initializers["w"] = GradCheck.Random(5, F64, 4, 2);
        g.Initializers["v"] = GradCheck.Random(6, F64, 2, 2, 3);
        g.Nodes.Add(new Node("MatMul", ["x", "w"], ["h"]));
        g.Nodes.Add(new Node("MatMul", ["h", "v"], ["y"]));
        AddLoss(g, "y", null);
        GradCheck.Check(g, "loss", new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(7, F64, 2, 3, 4) });
    }

    [Fact]
    public void Mlp_with_softmax_cross_entropy_matches_finite_differences_and_the_compiled_path()
    {
        var b = new GraphBuilder("mlp");
        var x = b.Input("x", DType.Float32, "batch", 6);
        var labels = b.Input("labels", DType.Int64, "batch");
        var h = b.Relu(b.Gemm(x, b.RandomWeight("w1", [6, 8], 1), b.Zeros("b1", [8])));
        var logits = b.Add(b.MatMul(h, b.RandomWeight("w2", [8, 3], 2)), b.Zeros("b2", [3]));
        b.Output(b.Node("SoftmaxCrossEntropyLoss", [logits, labels]), "loss");
        var graph = b.Build().Graph;
        var data = new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(9, DType.Float32, 5, 6), ["labels"] = Tensor.FromArray(new long[] { 0, 2, 1, 1, 0 }) };
        var tg = GradCheck.Check(graph, "loss", data, eps: 1e-2, tol: 2e-3);
        Assert.Equal(["w1", "b1", "w2", "b2"], tg.Parameters);
        Assert.Equal(["x", "labels"], tg.DataInputs);

        var reference = GradCheck.RunTraining(tg, data);
        var compiled = GradCheck.RunCompiled(tg, data);
        foreach (var p in tg.Parameters)
        {
            var r = reference[tg.GradientOf[p]].ToArray<float>();
            var c = compiled[tg.GradientOf[p]].ToArray<float>();
            for (int i = 0; i < r.Length; i++)
            {
                Assert.True(Math.Abs(r[i] - c[i]) <= 1e-5 + 1e-4 * Math.Abs(r[i]), $"{p}[{i}]: reference {r[i]}, compiled {c[i]}");
            }
        }
    }

    /// <summary>loss = ReduceSum(y · r) for a fixed random r, so every element of y gets a distinct gradient.</summary>
    internal static void AddLoss(Graph g, string y, string? extra)
    {
        var t = g.TypeOf(y);
        string src = y;
        if (extra is not null)
        {
            g.Nodes.Add(new Node("Mul", [y, extra], [y + "_x"]));
            src = y + "_x";
        }
        g.Initializers["r_" + y] = GradCheck.Random(99, DType.Float64, 1);
        g.Nodes.Add(new Node("Mul", [src, "r_" + y], [src + "_r"]));
        g.Nodes.Add(new Node("Mul", [src + "_r", src], [src + "_sq"]));
        var rs = new Node("ReduceSum", [src + "_sq"], ["loss"]);
        rs.SetAttr(Attr.Of("keepdims", 0L));
        g.Nodes.Add(rs);
        g.Outputs.Add(new ValueInfo("loss", TypeInfo.Unknown));
        _ = t;
    }
}
