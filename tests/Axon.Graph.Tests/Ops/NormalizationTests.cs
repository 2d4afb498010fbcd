using static Axon.Graph.Tests.Ops.ReduceOpsHarness;

namespace Axon.Graph.Tests.Ops;

public class NormalizationTests
{
    private const double S15 = 1.2247448713915890; // sqrt(1.5) = 1 / sqrt(2/3)

    [Fact]
    public void LayerNormalizationWithStatistics()
    {
        var x = F([1, 2, 3, 2, 4, 6], 2, 3);
        var r = Run("LayerNormalization", [x, F([2, 1, 1], 3), F([1, 0, 0], 3)], [Attr.Of("epsilon", 0f)], opset: 17, outputs: 3);
        Close([-2 * S15 + 1, 0, S15, -2 * S15 + 1, 0, S15], r[0]);
        Assert.Equal([2, 1], r[1]!.Shape);
        Close([2, 4], r[1]);
        Close([S15, Math.Sqrt(3.0 / 8)], r[2]);
        Assert.Equal(DType.Float32, r[2]!.DType);
    }

    [Fact]
    public void LayerNormalizationOverTwoAxes()
    {
        var x = F([1, 2, 3, 2, 4, 6], 2, 3);
        var r = Run("LayerNormalization", [x, F([1], 1)], [Attr.Of("axis", 0L), Attr.Of("epsilon", 0f)], opset: 17)[0];
        // mean 3, variance (4+1+0+1+1+9)/6 = 8/3
        double inv = Math.Sqrt(3.0 / 8);
        Close([-2 * inv, -inv, 0, -inv, inv, 3 * inv], r);
    }

    [Fact]
    public void BatchNormalizationInference()
    {
        var x = F([1, 2, 3, 4], 1, 2, 1, 2);
        var r = Run("BatchNormalization", [x, F([1, 2], 2), F([0, 1], 2), F([1.5f, 3], 2), F([0.25f, 1], 2)], [Attr.Of("epsilon", 0f)], opset: 15)[0];
        Close([-1, 1, 1, 3], r);
    }

    [Fact]
    public void BatchNormalizationTrainingUpdatesRunningStats()
    {
        var x = F([1, 2, 3, 4], 1, 2, 1, 2);
        var r = Run("BatchNormalization", [x, F([1, 2], 2), F([0, 1], 2), F([0, 0], 2), F([1, 1], 2)],
            [Attr.Of("epsilon", 0f), Attr.Of("training_mode", 1L)], opset: 15, outputs: 3);
        Close([-1, 1, -1, 3], r[0]);
        Close([0.15, 0.35], r[1]);
        Close([0.925, 0.925], r[2]);
    }

    [Fact]
    public void InstanceNormalizationPerChannel()
    {
        var r = Run("InstanceNormalization", [F([1, 3, 2, 2], 1, 2, 2), F([1, 1], 2), F([0, 5], 2)], opset: 22)[0];
        double a = 1 / Math.Sqrt(1 + 1e-5);
        Close([-a, a, 5, 5], r);
    }

    [Fact]
    public void GroupNormalizationScaleIsPerChannelFrom21AndPerGroupIn18()
    {
        var x = F([1, 2, 3, 5], 1, 4, 1);
        var attrs = new[] { Attr.Of("num_groups", 2L), Attr.Of("epsilon", 0f) };
        Close([-1, 1, -1, 1], Run("GroupNormalization", [x, F([1, 1, 1, 1], 4), F([0, 0, 0, 0], 4)], attrs, opset: 21)[0]);
        Close([-2, 2, -3, 3], Run("GroupNormalization", [x, F([2, 3], 2), F([0, 0], 2)], attrs, opset: 18)[0]);
    }

    [Fact]
    public void RmsNormalization()
    {
        var r = Run("RMSNormalization", [F([3, 4], 1, 2), F([1, 2], 2)], [Attr.Of("epsilon", 0f)], opset: 23)[0];
        double rms = Math.Sqrt(12.5);
        Close([3 / rms, 8 / rms], r);
    }

    [Fact]
    public void LpNormalization()
    {
        Close([0.6, 0.8, 0, 0], Run("LpNormalization", [F([3, 4, 0, 0], 2, 2)], opset: 22)[0]);
        Close([3.0 / 7, 4.0 / 7], Run("LpNormalization", [F([3, 4], 1, 2)], [Attr.Of("p", 1L)], opset: 22)[0]);
    }

    [Fact]
    public void LrnWindowIsClippedAtChannelEdges()
    {
        var attrs = new[] { Attr.Of("size", 2L), Attr.Of("alpha", 2f), Attr.Of("beta", 1f), Attr.Of("bias", 1f) };
        Close([1.0 / 6, 0.4], Run("LRN", [F([1, 2], 1, 2, 1, 1)], attrs, opset: 13)[0]);
    }

    [Fact]
    public void MeanVarianceNormalization()
    {
        var r = Run("MeanVarianceNormalization", [F([1, 3, 5, 5], 1, 2, 1, 2)], opset: 13)[0];
        Close([-1, 1, 0, 0], r);
    }
}
