using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class GridSampleTests
{
    [Fact]
    public void LinearAlignCornersHitsPixelsAndMidpoints()
    {
        var x = F([0, 10, 20, 30], 1, 1, 2, 2);
        var grid = F([-1, -1, 1, 1, 0, 0, 1, -1], 1, 1, 4, 2);
        var y = Run("GridSample", [x, grid], attrs: Attr.Of("align_corners", 1L))[0];
        Near([0, 30, 15, 10], y);
    }

    [Fact]
    public void ZerosPaddingOutsideAndBorderClamps()
    {
        var x = F([0, 10, 20, 30], 1, 1, 2, 2);
        var grid = F([3, 0], 1, 1, 1, 2);
        Near([0], Run("GridSample", [x, grid], attrs: Attr.Of("align_corners", 1L))[0]);
        Near([20], Run("GridSample", [x, grid], attrs: [Attr.Of("align_corners", 1L), Attr.Of("padding_mode", "border")])[0]);
    }

    [Fact]
    public void AffineGridIdentity()
    {
        var theta = F([1, 0, 0, 0, 1, 0], 1, 2, 3);
        var size = Tensor.FromArray(new long[] { 1, 1, 2, 2 });
        var g = Run("AffineGrid", [theta, size], opset: 20, attrs: Attr.Of("align_corners", 1L))[0];
        Assert.Equal(new[] { 1, 2, 2, 2 }, g.Shape);
        Near([-1, -1, 1, -1, -1, 1, 1, 1], g);
    }

    [Fact]
    public void RoiAlignAveragesBilinearSamples()
    {
        var x = F([0, 1, 2, 3], 1, 1, 2, 2);
        var rois = F([0, 0, 1, 1], 1, 4);
        var idx = Tensor.FromArray(new long[] { 0 });
        // output_half_pixel: roi 1x1 (no -0.5 shift), one sample at (0.5, 0.5) -> mean of the four pixels.
        var y = Run("RoiAlign", [x, rois, idx], attrs: [Attr.Of("coordinate_transformation_mode", "output_half_pixel"), Attr.Of("sampling_ratio", 1L)])[0];
        Near([1.5], y);
    }
}
