using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class ResizeTests
{
    private static readonly Tensor X = F([1, 2, 3, 4], 1, 1, 2, 2);

    private static Tensor Scales(params float[] s) => Tensor.FromArray(s);

    [Fact]
    public void NearestUpsampleRepeats()
    {
        var y = Run("Resize", [X, null, Scales(1, 1, 2, 2)], opset: 19, attrs: Attr.Of("mode", "nearest"))[0];
        Assert.Equal(new[] { 1, 1, 4, 4 }, y.Shape);
        Near([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y);
    }

    [Fact]
    public void LinearHalfPixelAndAlignCorners()
    {
        var x = F([0, 4], 1, 2);
        // half_pixel, scale 2: sources -0.25, 0.25, 0.75, 1.25 -> clamped edges.
        Near([0, 1, 3, 4], Run("Resize", [x, null, Scales(1, 2)], opset: 19, attrs: Attr.Of("mode", "linear"))[0]);
        var ac = Run("Resize", [x, null, Scales(1, 2)], opset: 19, attrs: [Attr.Of("mode", "linear"), Attr.Of("coordinate_transformation_mode", "align_corners")])[0];
        Near([0, 4.0 / 3, 8.0 / 3, 4], ac);
    }

    [Fact]
    public void CubicAtIntegerPositionsIsExact()
    {
        var x = F([1, 5, 2, 7], 1, 4);
        var y = Run("Resize", [x, null, Scales(1, 2)], opset: 19, attrs: [Attr.Of("mode", "cubic"), Attr.Of("coordinate_transformation_mode", "asymmetric")])[0];
        var v = y.ToDoubles();
        Assert.Equal(8, v.Length);
        Assert.Equal(1, v[0], 6);
        Assert.Equal(5, v[2], 6);
        // Midpoint between 1 and 5 with A=-0.75: weights (-0.09375, 0.59375, 0.59375, -0.09375) on (1,1,5,2).
        Assert.Equal(-0.09375 * 1 + 0.59375 * 1 + 0.59375 * 5 - 0.09375 * 2, v[1], 6);
    }

    [Fact]
    public void SizesWithAxesAndNotLargerPolicy()
    {
        var sizes = Tensor.FromArray(new long[] { 4, 6 });
        var y = Run("Resize", [X, null, null, sizes], opset: 19, attrs: [Attr.Of("axes", new long[] { 2, 3 }), Attr.Of("keep_aspect_ratio_policy", "not_larger")])[0];
        Assert.Equal(new[] { 1, 1, 4, 4 }, y.Shape);
    }

    [Fact]
    public void TfCropAndResizeExtrapolates()
    {
        var x = F([1, 2, 3, 4], 1, 4);
        var roi = Tensor.FromArray(new float[] { 0, 0.5f, 1, 1.5f });
        var sizes = Tensor.FromArray(new long[] { 1, 3 });
        var y = Run("Resize", [x, roi, null, sizes], opset: 19, attrs: [Attr.Of("mode", "linear"), Attr.Of("coordinate_transformation_mode", "tf_crop_and_resize"), Attr.Of("extrapolation_value", -1f)])[0];
        // Sources 1.5, 3.0, 4.5: the last is outside [0, 3].
        Near([2.5, 4, -1], y);
    }

    [Fact]
    public void UpsampleNearestOpset9()
    {
        var y = Run("Upsample", [F([1, 2], 1, 2), Scales(1, 2)], opset: 9)[0];
        Near([1, 1, 2, 2], y);
    }

    [Fact]
    public void AntialiasLinearDownsampleAveragesMoreInputs()
    {
        var x = F([0, 4, 8, 12], 1, 4);
        // Scale 0.5, half_pixel: sources 0.5 and 2.5. Without antialias: (0+4)/2, (8+12)/2.
        Near([2, 10], Run("Resize", [x, null, Scales(1, 0.5f)], opset: 19, attrs: Attr.Of("mode", "linear"))[0]);
        // With antialias the triangle filter is stretched 2x: taps -1..2 around 0.5 with weights 1,3,3,1 (/8), edge-clamped.
        Near([(0 * 1 + 0 * 3 + 4 * 3 + 8 * 1) / 8.0, (4 * 1 + 8 * 3 + 12 * 3 + 12 * 1) / 8.0],
            Run("Resize", [x, null, Scales(1, 0.5f)], opset: 19, attrs: [Attr.Of("mode", "linear"), Attr.Of("antialias", 1L)])[0]);
    }
}
