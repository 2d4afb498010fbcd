using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

/// <summary>Reference implementations of the compiler's fused ops (domain "axon"), with hand-computed values.</summary>
public class AxonFusedOpsTests
{
    private static Tensor Run(Node n, params (string, IValue?)[] inputs) => (Tensor)RunNode(n, inputs, domain: "axon")[0]!;

    [Fact]
    public void FusedConvAddsResidualThenActivates()
    {
        // 1x1 conv with weight 2, bias 0.5: 2x + 0.5; + residual 1; Relu  → x=[-2, 1] gives [relu(-2.5), 3.5]
        var n = NodeIn("axon", "FusedConv", ["x", "w", "b", "z"], ["y"], Attr.Of("activation", "Relu"));
        var y = Run(n, ("x", F([-2f, 1f], 1, 1, 1, 2)), ("w", F([2f], 1, 1, 1, 1)), ("b", F([0.5f])), ("z", F([1f], 1)));
        Assert.Equal([0f, 3.5f], y.ToArray<float>());
        Assert.Equal([1, 1, 1, 2], y.Shape);
    }

    [Fact]
    public void FusedMatMulBiasAndLeakyRelu()
    {
        // [1, 2]·[[1], [-1]] = -1; + bias 0.5 = -0.5; LeakyRelu(0.1) = -0.05
        var n = NodeIn("axon", "FusedMatMul", ["a", "b", "bias"], ["y"], Attr.Of("activation", "LeakyRelu"), Attr.Of("activation_alpha", 0.1f));
        var y = Run(n, ("a", F([1f, 2f], 1, 2)), ("b", F([1f, -1f], 2, 1)), ("bias", F([0.5f])));
        Assert.Equal(-0.05f, y.ToArray<float>()[0], 6);
    }

    [Fact]
    public void FusedGemmClipsWithBounds()
    {
        var n = NodeIn("axon", "FusedGemm", ["a", "b", "c"], ["y"], Attr.Of("activation", "Clip"), Attr.Of("activation_alpha", 0f), Attr.Of("activation_beta", 1f));
        var y = Run(n, ("a", F([3f, -3f, 0.25f], 3, 1)), ("b", F([1f], 1, 1)), ("c", F([0.25f])));
        Assert.Equal([1f, 0f, 0.5f], y.ToArray<float>());
    }

    [Fact]
    public void SiluAndGelu()
    {
        var silu = Run(NodeIn("axon", "Silu", ["x"], ["y"]), ("x", F([0f, 1f])));
        Assert.Equal([0f, (float)(1 / (1 + Math.Exp(-1)))], silu.ToArray<float>());
        var gelu = Run(NodeIn("axon", "Gelu", ["x"], ["y"]), ("x", F([0f, 10f, -10f])));
        Assert.Equal([0f, 10f, 0f], gelu.ToArray<float>());
    }

    [Fact]
    public void LayerNormNormalizesTheLastAxis()
    {
        // [1, 3]: mean 2, var 1 → [-1, 1] (eps 0); scale 2, bias 1 → [-1, 3]
        var n = NodeIn("axon", "LayerNorm", ["x", "s", "b"], ["y"], Attr.Of("axis", -1L), Attr.Of("epsilon", 0f));
        var y = Run(n, ("x", F([1f, 3f], 1, 2)), ("s", F([2f, 2f])), ("b", F([1f, 1f])));
        Assert.Equal([-1f, 3f], y.ToArray<float>());
    }

    [Fact]
    public void AttentionWithIdentityProjectionsAndMask()
    {
        // One head, D = 1, identity projections: q = k = v = x = [1, 2]. Row 0 scores [1, 2] → p = softmax → 1·p0 + 2·p1.
        // Row 1 scores [2, 4] with the second key masked by -inf-ish → output 1.
        var n = NodeIn("axon", "Attention", ["x", "w", "", "x", "w", "", "x", "w", "", "m"], ["y"],
            Attr.Of("num_heads", 1L), Attr.Of("scale", 1f), Attr.Of("mask_kind", "additive"));
        var mask = F([0f, 0f, 0f, -1e9f], 1, 1, 2, 2);
        var y = Run(n, ("x", F([1f, 2f], 1, 2, 1)), ("w", F([1f], 1, 1)), ("m", mask)).ToArray<float>();
        double p1 = Math.E / (1 + Math.E);
        Assert.Equal((float)(1 - p1 + 2 * p1), y[0], 6);
        Assert.Equal(1f, y[1], 6);
    }
}
