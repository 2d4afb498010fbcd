using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class ConvTests
{
    private static readonly float[] X33 = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void Conv2dWithPaddingSumsTheNeighbourhood()
    {
        var x = F(X33, 1, 1, 3, 3);
        var w = F([1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 1, 3, 3);
        var y = Run("Conv", [x, w], attrs: Attr.Of("pads", new long[] { 1, 1, 1, 1 }))[0];
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
        // Corner (0,0): 1+2+4+5 = 12; centre: 45; edge (0,1): 1+2+3+4+5+6 = 21.
        Near([12, 21, 16, 27, 45, 33, 24, 39, 28], y);
    }

    [Fact]
    public void Conv1dStrideDilationBiasAndGroups()
    {
        // Two groups of one channel each; channel 0 uses w=[1,-1] dilated by 2, channel 1 uses [2,0].
        var x = F([1, 2, 3, 4, 5, 10, 20, 30, 40, 50], 1, 2, 5);
        var w = F([1, -1, 2, 0], 2, 1, 2);
        var b = F([100, 0], 2);
        var y = Run("Conv", [x, w, b], attrs: [Attr.Of("group", 2L), Attr.Of("dilations", new long[] { 2 }), Attr.Of("strides", new long[] { 2 })])[0];
        Assert.Equal(new[] { 1, 2, 2 }, y.Shape);
        // Positions 0 and 2: ch0 x[p] - x[p+2] = -2, -2 (+100); ch1 2*x[p] = 20, 60.
        Near([98, 98, 20, 60], y);
    }

    [Fact]
    public void ConvSameUpperPadsAtTheEnd()
    {
        var x = F([1, 2, 3, 4], 1, 1, 4);
        var w = F([1, 1], 1, 1, 2);
        var y = Run("Conv", [x, w], attrs: Attr.Of("auto_pad", "SAME_UPPER"))[0];
        Near([3, 5, 7, 4], y);
        var lower = Run("Conv", [x, w], attrs: Attr.Of("auto_pad", "SAME_LOWER"))[0];
        Near([1, 3, 5, 7], lower);
    }

    [Fact]
    public void ConvTransposeScattersWithStride()
    {
        var x = F([1, 2], 1, 1, 2);
        var w = F([1, 10, 100], 1, 1, 3);
        var y = Run("ConvTranspose", [x, w], attrs: Attr.Of("strides", new long[] { 2 }))[0];
        // Output length (2-1)*2 + 3 = 5: [1, 10, 100+2, 20, 200].
        Assert.Equal(new[] { 1, 1, 5 }, y.Shape);
        Near([1, 10, 102, 20, 200], y);
        var padded = Run("ConvTranspose", [x, w], attrs: [Attr.Of("strides", new long[] { 2 }), Attr.Of("pads", new long[] { 1, 0 }), Attr.Of("output_padding", new long[] { 1 })])[0];
        Near([10, 102, 20, 200, 0], padded);
    }

    [Fact]
    public void ConvIntegerSubtractsZeroPoints()
    {
        var x = Tensor.FromArray(new byte[] { 2, 3, 4, 5 }, 1, 1, 2, 2);
        var w = Tensor.FromArray(new byte[] { 1, 2 }, 1, 1, 1, 2);
        var y = Run("ConvInteger", [x, w, Tensor.Scalar((byte)1), Tensor.Scalar((byte)1)], opset: 10)[0];
        Assert.Equal(DType.Int32, y.DType);
        // (x-1) · (w-1) = (x-1)*0 + (x'-1)*1 along width.
        Assert.Equal(new[] { 2, 4 }, y.ToArray<int>());
    }
}

public class ConvTransposeShapeTests
{
    [Fact]
    public void OutputShapeLargerThanFullAppendsZerosAndSameUpperCrops()
    {
        var x = F([1, 2], 1, 1, 2);
        var w = F([1, 1], 1, 1, 2);
        // Full output is 3 long ([1, 3, 2]); output_shape 4 pads one zero at the end.
        Near([1, 3, 2, 0], Run("ConvTranspose", [x, w], attrs: Attr.Of("output_shape", new long[] { 4 }))[0]);
        // SAME_UPPER with stride 1: output length 2, the extra element is cut at the end.
        Near([1, 3], Run("ConvTranspose", [x, w], attrs: Attr.Of("auto_pad", "SAME_UPPER"))[0]);
    }
}
