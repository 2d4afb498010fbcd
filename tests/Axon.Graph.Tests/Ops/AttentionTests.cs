using static Axon.Graph.Tests.Ops.ReduceOpsHarness;

namespace Axon.Graph.Tests.Ops;

public class AttentionTests
{
    // softmax([1, 0]) = [e/(e+1), 1/(e+1)]
    private const double A = 0.7310585786300049, B = 0.2689414213699951;
    private static readonly Attr[] ScaleOne = [Attr.Of("scale", 1f)];

    private static Tensor Q => F([1, 0, 0, 1], 1, 1, 2, 2);
    private static Tensor K => F([1, 0, 0, 1], 1, 1, 2, 2);
    private static Tensor V => F([1, 2, 3, 4], 1, 1, 2, 2);

    [Fact]
    public void PlainAttention4D()
    {
        var y = Run("Attention", [Q, K, V], ScaleOne)[0]!;
        Assert.Equal([1, 1, 2, 2], y.Shape);
        Close([A + 3 * B, 2 * A + 4 * B, B + 3 * A, 2 * B + 4 * A], y);
    }

    [Fact]
    public void DefaultScaleIsOneOverSqrtHeadSize()
    {
        double s = 1 / Math.Sqrt(2);
        double a = Math.Exp(s) / (Math.Exp(s) + 1), b = 1 - a;
        Close([a + 3 * b, 2 * a + 4 * b, b + 3 * a, 2 * b + 4 * a], Run("Attention", [Q, K, V])[0]);
    }

    [Fact]
    public void CausalMaskHidesFutureKeys()
    {
        var y = Run("Attention", [Q, K, V], [.. ScaleOne, Attr.Of("is_causal", 1L)])[0];
        Close([1, 2, B + 3 * A, 2 * B + 4 * A], y);
    }

    [Fact]
    public void FullyMaskedRowGivesZeros()
    {
        var mask = Tensor.FromArray(new[] { true, false, false, false }, 2, 2);
        Close([1, 2, 0, 0], Run("Attention", [Q, K, V, mask], ScaleOne)[0]);
    }

    [Fact]
    public void FloatMaskIsAdded()
    {
        // Adding [0, 1] to the first row's scores [1, 0] makes them equal.
        var mask = F([0, 1, 0, 0], 2, 2);
        Close([2, 3, B + 3 * A, 2 * B + 4 * A], Run("Attention", [Q, K, V, mask], ScaleOne)[0]);
    }

    [Fact]
    public void GroupedQueryAttention3D()
    {
        var q = F([1, 0, 0, 1], 1, 1, 4);
        var k = F([1, 0, 0, 1], 1, 2, 2);
        var v = F([1, 2, 3, 4], 1, 2, 2);
        var y = Run("Attention", [q, k, v], [.. ScaleOne, Attr.Of("q_num_heads", 2L), Attr.Of("kv_num_heads", 1L)])[0]!;
        Assert.Equal([1, 1, 4], y.Shape);
        Close([A + 3 * B, 2 * A + 4 * B, B + 3 * A, 2 * B + 4 * A], y);
    }

    [Fact]
    public void PastAndPresentKeyValue()
    {
        var q = F([1, 0], 1, 1, 1, 2);
        var r = Run("Attention", [q, F([0, 1], 1, 1, 1, 2), F([3, 4], 1, 1, 1, 2), null, F([1, 0], 1, 1, 1, 2), F([1, 2], 1, 1, 1, 2)],
            [.. ScaleOne, Attr.Of("is_causal", 1L)], outputs: 4);
        Close([A + 3 * B, 2 * A + 4 * B], r[0]);
        Assert.Equal([1, 1, 2, 2], r[1]!.Shape);
        Close([1, 0, 0, 1], r[1]);
        Close([1, 2, 3, 4], r[2]);
        Close([1, 0], r[3]);
    }

    [Fact]
    public void SoftcapAndQkOutputModes()
    {
        double t = Math.Tanh(1);
        var attrs = new[] { ScaleOne[0], Attr.Of("softcap", 1f), Attr.Of("qk_matmul_output_mode", 1L) };
        var r = Run("Attention", [Q, K, V], attrs, outputs: 4);
        Close([t, 0, 0, t], r[3]);
        double a = Math.Exp(t) / (Math.Exp(t) + 1);
        var p = Run("Attention", [Q, K, V], [ScaleOne[0], Attr.Of("softcap", 1f), Attr.Of("qk_matmul_output_mode", 3L)], outputs: 4);
        Close([a, 1 - a, 1 - a, a], p[3]);
    }

    [Fact]
    public void RotaryEmbeddingHalvesAndInterleaved()
    {
        var x = F([1, 2, 3, 4], 1, 1, 1, 4);
        var cos = F([0, 1], 1, 1, 2);
        var sin = F([1, 0], 1, 1, 2);
        // Pair (0, 2) rotates by 90 degrees, pair (1, 3) by 0.
        Close([-3, 2, 1, 4], Run("RotaryEmbedding", [x, cos, sin])[0]);
        // Interleaved pairs are (0, 1) and (2, 3).
        Close([-2, 1, 3, 4], Run("RotaryEmbedding", [x, cos, sin], [Attr.Of("interleaved", 1L)])[0]);
        // With position_ids the caches are indexed by position: row 1 is the 90/0 rotation.
        var r = Run("RotaryEmbedding", [x, F([1, 1, 0, 1], 2, 2), F([0, 0, 1, 0], 2, 2), L([1], 1, 1)])[0];
        Close([-3, 2, 1, 4], r);
    }

    [Fact]
    public void LinearAttentionLinearAndDeltaRules()
    {
        var q = F([1, 1], 1, 2, 1);
        var k = F([1, 2], 1, 2, 1);
        var v = F([3, 4], 1, 2, 1);
        var attrs = new[] { Attr.Of("q_num_heads", 1L), Attr.Of("kv_num_heads", 1L), Attr.Of("scale", 1f) };
        var lin = Run("LinearAttention", [q, k, v], [.. attrs, Attr.Of("update_rule", "linear")], opset: 27, outputs: 2);
        Close([3, 11], lin[0]);
        Close([11], lin[1]);
        var delta = Run("LinearAttention", [q, k, v, null, null, F([0.5f, 0.5f], 1, 2, 1)], [.. attrs, Attr.Of("update_rule", "delta")], opset: 27, outputs: 2);
        Close([1.5, 2.5], delta[0]);
    }

    [Fact]
    public void CausalConvWithState()
    {
        var x = F([1, 2, 3], 1, 1, 3);
        var w = F([1, 10], 1, 1, 2);
        var r = Run("CausalConvWithState", [x, w], opset: 27, outputs: 2);
        Close([10, 21, 32], r[0]);
        Close([3], r[1]);
        Close([15, 21, 32], Run("CausalConvWithState", [x, w, null, F([5], 1, 1, 1)], opset: 27)[0]);
    }
}
