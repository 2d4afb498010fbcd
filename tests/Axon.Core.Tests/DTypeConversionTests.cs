namespace Axon.Core.Tests;

public class DTypeConversionTests
{
    [Fact]
    public void Float4E2M1EncodesNaNAsNegativeZeroPattern()
    {
        // ml_dtypes (and so the ONNX test data) map NaN to 0b1000, the otherwise unused -0.
        Assert.Equal(0b1000, MiniFloat.E2M1.Encode(double.NaN));
        Assert.Equal(0b1000, MiniFloat.E2M1.Encode(-double.NaN));
        var t = Tensor.FromDoubles(DType.Float4E2M1, [double.NaN, 6.0, 100.0], 3);
        Assert.Equal(new byte[] { 0b1000, 0b0111, 0b0111 }, t.Span<byte>().ToArray());
    }

    [Fact]
    public void Float8E4M3FNWithoutSaturationFollowsCastTable()
    {
        var mf = MiniFloat.E4M3FN;
        Assert.Equal(0x7F, mf.Encode(double.PositiveInfinity, saturate: false));
        Assert.Equal(0xFF, mf.Encode(double.NegativeInfinity, saturate: false));
        Assert.Equal(0x7E, mf.Encode(double.PositiveInfinity, saturate: true));
        Assert.Equal(0xFE, mf.Encode(double.NegativeInfinity, saturate: true));
        Assert.Equal(0x7F, mf.Encode(1000.0, saturate: false));
        Assert.Equal(0x7F, mf.Encode(-1000.0, saturate: false)); // the table's "[x] < -FLT_MAX: NaN"
        Assert.Equal(0x7F, mf.Encode(double.NaN)); // .NET's NaN has its sign bit set; the result is the positive NaN
        // E5M2 has infinities; FNUZ formats have one unsigned NaN.
        Assert.Equal(0xFC, MiniFloat.E5M2.Encode(double.NegativeInfinity, saturate: false));
        Assert.Equal(0x80, MiniFloat.E4M3FNUZ.Encode(double.NegativeInfinity, saturate: false));
    }

    [Fact]
    public void FromDoublesRoundsBFloat16OnceFromDouble()
    {
        // 1 + 2^-8 + 2^-30 lies just above the midpoint between bf16 1.0 and 1 + 2^-7, so it rounds up. Through float32
        // it would first become the exact midpoint 1 + 2^-8 and then tie to even, 1.0.
        double x = 1 + Math.ScaleB(1, -8) + Math.ScaleB(1, -30);
        var t = Tensor.FromDoubles(DType.BFloat16, [x, -x], 2);
        Assert.Equal((ushort)0x3F81, t.Span<BFloat16>()[0].Bits);
        Assert.Equal((ushort)0xBF81, t.Span<BFloat16>()[1].Bits);
        Assert.Equal(0x3F80, BFloat16.FromDouble(1 + Math.ScaleB(1, -8)).Bits);
    }

    [Fact]
    public void FromDoublesRoundsFloat8OnceFromDouble()
    {
        // Same trap for e4m3fn (3 mantissa bits): 1 + 2^-4 + 2^-30 must round to 1.125 (0x39), not tie to 1.0 (0x38).
        double x = 1 + Math.ScaleB(1, -4) + Math.ScaleB(1, -30);
        var t = Tensor.FromDoubles(DType.Float8E4M3FN, [x, 1 + Math.ScaleB(1, -4)], 2);
        Assert.Equal(new byte[] { 0x39, 0x38 }, t.Span<byte>().ToArray());
    }

    [Fact]
    public void FourBitIntegersTruncateAndKeepLowBits()
    {
        var i4 = Tensor.FromDoubles(DType.Int4, [-9.0, 8.0, 3.9, -3.9, 7.5], 5);
        Assert.Equal(new sbyte[] { 7, -8, 3, -3, 7 }, i4.Span<sbyte>().ToArray());
        var u4 = Tensor.FromDoubles(DType.UInt4, [17.0, 15.9, 16.0], 3);
        Assert.Equal(new byte[] { 1, 15, 0 }, u4.Span<byte>().ToArray());
        var i4b = Tensor.FromInt64s(DType.Int4, [-9, 17, -8, 200], 4);
        Assert.Equal(new sbyte[] { 7, 1, -8, -8 }, i4b.Span<sbyte>().ToArray());
        var u4b = Tensor.FromInt64s(DType.UInt4, [-1, 17], 2);
        Assert.Equal(new byte[] { 15, 1 }, u4b.Span<byte>().ToArray());
    }

    [Fact]
    public void TwoBitIntegersKeepLowBits()
    {
        var i2 = Tensor.FromInt64s(DType.Int2, [0, 1, 2, 3, -3, -2], 6);
        Assert.Equal(new sbyte[] { 0, 1, -2, -1, 1, -2 }, i2.Span<sbyte>().ToArray());
        Assert.Equal(new long[] { 0, 1, -2, -1, 1, -2 }, i2.ToInt64s());
        var u2 = Tensor.FromDoubles(DType.UInt2, [5.0, 3.7, -1.0], 3);
        Assert.Equal(new byte[] { 1, 3, 3 }, u2.Span<byte>().ToArray());
        Assert.Equal(new double[] { 1, 3, 3 }, u2.ToDoubles());
    }

    [Fact]
    public void Float8E8M0EncodesPowersOfTwo()
    {
        Assert.Equal(127, Float8E8M0.Encode(1.0));
        Assert.Equal(129, Float8E8M0.Encode(3.0, rounding: E8M0Rounding.Up));
        Assert.Equal(128, Float8E8M0.Encode(3.0, rounding: E8M0Rounding.Down));
        Assert.Equal(129, Float8E8M0.Encode(3.0, rounding: E8M0Rounding.Nearest)); // 1.5·2 ties up
        Assert.Equal(128, Float8E8M0.Encode(2.9, rounding: E8M0Rounding.Nearest));
        Assert.Equal(0xFF, Float8E8M0.Encode(double.NaN));
        Assert.Equal(0xFE, Float8E8M0.Encode(double.PositiveInfinity));
        Assert.Equal(0xFF, Float8E8M0.Encode(double.PositiveInfinity, saturate: false));
        Assert.Equal(0xFE, Float8E8M0.Encode(Math.ScaleB(1.5, 127)));
        Assert.Equal(0xFF, Float8E8M0.Encode(Math.ScaleB(1.5, 127), saturate: false));
        Assert.Equal(0, Float8E8M0.Encode(0.0));
        Assert.Equal(0xFF, Float8E8M0.Encode(0.0, saturate: false, rounding: E8M0Rounding.Nearest));
        Assert.Equal(0.25, Float8E8M0.Decode(125));
        Assert.True(double.IsNaN(Float8E8M0.Decode(0xFF)));
        var t = Tensor.FromDoubles(DType.Float8E8M0, [0.3, 8.0], 2);
        Assert.Equal(new double[] { 0.5, 8.0 }, t.ToDoubles());
    }

    [Fact]
    public void NewDTypesHaveTheirFacts()
    {
        Assert.Equal(24, (int)DType.Float8E8M0);
        Assert.Equal(25, (int)DType.UInt2);
        Assert.Equal(26, (int)DType.Int2);
        Assert.Equal(1, DType.Int2.SizeOf());
        Assert.True(DType.Float8E8M0.IsFloat());
        Assert.True(DType.Int2.IsSignedInt());
        Assert.True(DType.UInt2.IsUnsignedInt());
        Assert.Equal("float8e8m0", DType.Float8E8M0.OnnxName());
        Assert.True(DTypeInfo.TryParse("uint2", out var u2) && u2 == DType.UInt2);
        Assert.Equal(DType.Float8E8M0, DTypeInfo.Of<Float8E8M0>());
    }
}
