using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class ClipTests
{
    [Fact]
    public void OpsetSixTakesBoundsFromAttributes()
    {
        var r = Run1("Clip", [F32(-3f, 0.5f, 3f)], 6, Attr.Of("min", -1f), Attr.Of("max", 1f));
        Assert.Equal(new[] { -1f, 0.5f, 1f }, r.ToArray<float>());
        var open = Run1("Clip", [F32(-3e38f, 3e38f)], 6);
        Assert.Equal(new[] { -3e38f, 3e38f }, open.ToArray<float>());
    }

    [Fact]
    public void OpsetThirteenTakesOptionalInputs()
    {
        var onlyMax = (Tensor)Run("Clip", [F32(-3f, 0.5f, 3f, float.NaN), null, Tensor.Scalar(1f)], 1, 13)[0]!;
        var v = onlyMax.ToArray<float>();
        Assert.Equal(new[] { -3f, 0.5f, 1f }, v[..3]);
        Assert.True(float.IsNaN(v[3]));
    }

    [Fact]
    public void IntegersClipExactly()
    {
        var r = Run1("Clip", [Tensor.FromArray(new sbyte[] { -128, 5, 127 }), Tensor.Scalar((sbyte)-10), Tensor.Scalar((sbyte)100)], 13);
        Assert.Equal(new sbyte[] { -10, 5, 100 }, r.ToArray<sbyte>());
        var big = Run1("Clip", [Tensor.FromArray(new[] { ulong.MaxValue, 1UL }), Tensor.Scalar(2UL)], 13);
        Assert.Equal(new[] { ulong.MaxValue, 2UL }, big.ToArray<ulong>());
    }

    [Fact]
    public void MinAboveMaxGivesMax()
    {
        var r = Run1("Clip", [F32(-5f, 0f, 5f), Tensor.Scalar(2f), Tensor.Scalar(1f)], 13);
        Assert.Equal(new[] { 1f, 1f, 1f }, r.ToArray<float>());
    }
}
