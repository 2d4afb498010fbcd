using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class QuantizeLinearTests
{
    [Fact]
    public void QuantizeRoundsHalfToEvenAndSaturates()
    {
        var x = F([0, 1, 3, 5, 1000, -1000], 6);
        var y = Run("QuantizeLinear", [x, Tensor.Scalar(2f), Tensor.Scalar((byte)10)], opset: 21)[0];
        Assert.Equal(DType.UInt8, y.DType);
        // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2; then +10 and clamp to [0, 255].
        Assert.Equal(new byte[] { 10, 10, 12, 12, 255, 0 }, y.ToArray<byte>());
    }

    [Fact]
    public void QuantizePerAxisAndInt4()
    {
        var x = F([2, 4, 2, 4], 2, 2);
        var s = F([1, 2], 2);
        var z = Tensor.FromArray(new sbyte[] { 0, 1 }, 2);
        var y = Run("QuantizeLinear", [x, s, z], opset: 21, attrs: Attr.Of("axis", 0L))[0];
        Assert.Equal(new sbyte[] { 2, 4, 2, 3 }, y.ToArray<sbyte>());
        var q4 = Run("QuantizeLinear", [F([100, -100, 3], 3), Tensor.Scalar(1f)], opset: 21, attrs: Attr.Of("output_dtype", (long)DType.Int4))[0];
        Assert.Equal(DType.Int4, q4.DType);
        Assert.Equal(new sbyte[] { 7, -8, 3 }, q4.ToArray<sbyte>());
    }

    [Fact]
    public void DequantizeBlocked()
    {
        var x = Tensor.FromArray(new sbyte[] { 1, 2, 3, 4 }, 1, 4);
        var s = F([1, 10], 1, 2);
        var y = Run("DequantizeLinear", [x, s], opset: 21, attrs: [Attr.Of("axis", 1L), Attr.Of("block_size", 2L)])[0];
        Near([1, 2, 30, 40], y);
    }

    [Fact]
    public void DynamicQuantizeComputesScaleAndZeroPoint()
    {
        var r = Run("DynamicQuantizeLinear", [F([-1, 0, 2.0f * 255 / 255 * 1], 3)], 3, opset: 11);
        // range [-1, 2] -> scale 3/255, zero point round(1/(3/255)) = 85.
        Near([3.0 / 255], r[1], 1e-7);
        Assert.Equal(new byte[] { 85 }, r[2].ToArray<byte>());
        Assert.Equal(new byte[] { 0, 85, 255 }, r[0].ToArray<byte>());
    }

    [Fact]
    public void QLinearMatMulRescales()
    {
        var a = Tensor.FromArray(new byte[] { 12, 14 }, 1, 2);
        var b = Tensor.FromArray(new byte[] { 3, 5 }, 2, 1);
        var y = Run("QLinearMatMul", [a, Tensor.Scalar(0.5f), Tensor.Scalar((byte)10), b, Tensor.Scalar(1f), Tensor.Scalar((byte)1), Tensor.Scalar(2f), Tensor.Scalar((byte)100)], opset: 21)[0];
        // (2*2 + 4*4) * 0.5 * 1 / 2 = 5 -> 105.
        Assert.Equal(new byte[] { 105 }, y.ToArray<byte>());
    }
}

public class QuantizeFloat8Tests
{
    [Fact]
    public void Float8SaturatesUnlessAskedNotTo()
    {
        var x = F([1000, 0.5f], 2);
        var zp = Tensor.FromArray(new[] { new Float8E4M3FN(0) }, []);
        var sat = Run("QuantizeLinear", [x, Tensor.Scalar(1f), zp], opset: 21)[0];
        Assert.Equal(DType.Float8E4M3FN, sat.DType);
        Near([448, 0.5], sat);
        var raw = Run("QuantizeLinear", [x, Tensor.Scalar(1f), zp], opset: 21, attrs: Attr.Of("saturate", 0L))[0];
        Assert.True(double.IsNaN(raw.ToDoubles()[0]));
    }
}
