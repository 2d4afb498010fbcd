using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class PoolTests
{
    private static readonly Tensor X44 = F([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 1, 1, 4, 4);

    [Fact]
    public void MaxPoolWithIndicesRowAndColumnMajor()
    {
        var r = Run("MaxPool", [X44], 2, attrs: [Attr.Of("kernel_shape", new long[] { 2, 2 }), Attr.Of("strides", new long[] { 2, 2 })]);
        Near([6, 8, 14, 16], r[0]);
        Assert.Equal(new long[] { 5, 7, 13, 15 }, r[1].ToArray<long>());
        var c = Run("MaxPool", [X44], 2, attrs: [Attr.Of("kernel_shape", new long[] { 2, 2 }), Attr.Of("strides", new long[] { 2, 2 }), Attr.Of("storage_order", 1L)]);
        // (1,1) -> 1 + 1*4 = 5; (1,3) -> 1 + 3*4 = 13; (3,1) -> 7; (3,3) -> 15.
        Assert.Equal(new long[] { 5, 13, 7, 15 }, c[1].ToArray<long>());
    }

    [Fact]
    public void MaxPoolCeilModeDropsWindowStartingInPadding()
    {
        var x = F([1, 2, 3, 4, 5], 1, 1, 5);
        var y = Run("MaxPool", [x], attrs: [Attr.Of("kernel_shape", new long[] { 2 }), Attr.Of("strides", new long[] { 2 }), Attr.Of("ceil_mode", 1L)])[0];
        Assert.Equal(new[] { 1, 1, 3 }, y.Shape);
        Near([2, 4, 5], y);
    }

    [Fact]
    public void AveragePoolCountIncludePad()
    {
        var x = F([1, 2, 3], 1, 1, 3);
        var attrs = new[] { Attr.Of("kernel_shape", new long[] { 2 }), Attr.Of("pads", new long[] { 1, 1 }) };
        Near([1, 1.5, 2.5, 3], Run("AveragePool", [x], attrs: attrs)[0]);
        Near([0.5, 1.5, 2.5, 1.5], Run("AveragePool", [x], attrs: [.. attrs, Attr.Of("count_include_pad", 1L)])[0]);
    }

    [Fact]
    public void GlobalPoolsAndLpPool()
    {
        var x = F([1, -2, 3, -4, 10, 20, 30, 40], 1, 2, 2, 2);
        var avg = Run("GlobalAveragePool", [x])[0];
        Assert.Equal(new[] { 1, 2, 1, 1 }, avg.Shape);
        Near([-0.5, 25], avg);
        Near([3, 40], Run("GlobalMaxPool", [x])[0]);
        var lp = Run("LpPool", [F([3, 4], 1, 1, 2)], attrs: [Attr.Of("kernel_shape", new long[] { 2 }), Attr.Of("p", 2L)])[0];
        Near([5], lp);
    }

    [Fact]
    public void MaxUnpoolPlacesValuesAtIndices()
    {
        var x = F([1, 2, 3, 4], 1, 1, 2, 2);
        var i = Tensor.FromArray(new long[] { 5, 7, 13, 15 }, 1, 1, 2, 2);
        var y = Run("MaxUnpool", [x, i], attrs: [Attr.Of("kernel_shape", new long[] { 2, 2 }), Attr.Of("strides", new long[] { 2, 2 })])[0];
        Near([0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4], y);
    }

    [Fact]
    public void GlobalLpPoolAndMaxRoiPool()
    {
        var x = F([3, 4, 0, 0], 1, 1, 2, 2);
        Near([5], Run("GlobalLpPool", [x])[0]);
        var rois = F([0, 0, 0, 1, 1], 1, 5);
        var y = Run("MaxRoiPool", [X44, rois], attrs: Attr.Of("pooled_shape", new long[] { 1, 2 }))[0];
        // roi covers rows 0-1, cols 0-1; bins split the two columns: max(1,5)=5, max(2,6)=6.
        Near([5, 6], y);
    }
}
