using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class CastTests
{
    private static Tensor Cast(Tensor x, DType to, long saturate = 1) =>
        Run1("Cast", [x], 21, Attr.Of("to", (long)to), Attr.Of("saturate", saturate));

    [Fact]
    public void Float8E4M3FnSaturatesByDefaultAndGivesNaNWithoutSaturate()
    {
        var x = F32(1000f, -1000f, float.PositiveInfinity, 0.5f, -0f, 0.0625f + 0.0625f / 16);
        var sat = Cast(x, DType.Float8E4M3FN).ToArray<byte>();
        // 448 = 0x7E is the largest finite e4m3fn value; 0.5 = 0x30; -0 keeps its sign; 0.06640625 is a tie that rounds to even 0.0625 (0x18).
        Assert.Equal(new byte[] { 0x7E, 0xFE, 0x7E, 0x30, 0x80, 0x18 }, sat);
        // Without saturation out-of-range values and infinities become NaN (e4m3fn has no infinity).
        var nosat = Cast(x, DType.Float8E4M3FN, saturate: 0).ToDoubles();
        Assert.True(double.IsNaN(nosat[0]) && double.IsNaN(nosat[1]) && double.IsNaN(nosat[2]));
        Assert.Equal(new[] { 0.5, 0.0625 }, nosat[3..4].Concat(nosat[5..]).ToArray());
    }

    [Fact]
    public void Float8E5M2WithoutSaturateKeepsInfinity()
    {
        var r = Cast(F32(float.PositiveInfinity, -100000f, 57344f), DType.Float8E5M2, saturate: 0).ToArray<byte>();
        // +inf = 0x7C, overflow to -inf = 0xFC, 57344 is the largest finite value 0x7B.
        Assert.Equal(new byte[] { 0x7C, 0xFC, 0x7B }, r);
        var s = Cast(F32(float.PositiveInfinity), DType.Float8E5M2).ToArray<byte>();
        Assert.Equal(new byte[] { 0x7B }, s);
    }

    [Fact]
    public void Float8FnuzHasUnsignedZero()
    {
        var r = Cast(F32(-0f, float.NaN), DType.Float8E4M3FNUZ).ToArray<byte>();
        Assert.Equal(new byte[] { 0x00, 0x80 }, r);
    }

    [Fact]
    public void BFloat16RoundsHalfToEvenAndDoubleRoundsOnce()
    {
        // 1 + 2^-8 ties between 1 and 1 + 2^-7: even is 1. 1 + 3 * 2^-8 ties between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6.
        var r = Cast(F32(1.00390625f, 1.01171875f), DType.BFloat16).ToArray<BFloat16>();
        Assert.Equal(1.0f, r[0].ToFloat());
        Assert.Equal(1.015625f, r[1].ToFloat());
        // Just above the tie in double: a naive double->float->bf16 path would see an exact tie and round down.
        var d = Cast(F64(1 + Math.Pow(2, -8) + Math.Pow(2, -30)), DType.BFloat16).ToArray<BFloat16>();
        Assert.Equal(1.0078125f, d[0].ToFloat());
    }

    [Fact]
    public void StringsParseSpecialLiteralsAndScientificNotation()
    {
        var s = Tensor.FromStrings(["INF", "+inf", "-INF", "NaN", "1e-5", "-2.5E3", "100.5"], 7);
        var r = Cast(s, DType.Float32).ToArray<float>();
        Assert.Equal(float.PositiveInfinity, r[0]);
        Assert.Equal(float.PositiveInfinity, r[1]);
        Assert.Equal(float.NegativeInfinity, r[2]);
        Assert.True(float.IsNaN(r[3]));
        Assert.Equal(1e-5f, r[4]);
        Assert.Equal(-2500f, r[5]);
        Assert.Equal(100.5f, r[6]);
        var i = Cast(Tensor.FromStrings(["100.5", "-7", "9223372036854775807"], 3), DType.Int64).ToArray<long>();
        Assert.Equal(new long[] { 100, -7, long.MaxValue }, i);
    }

    [Fact]
    public void NumbersFormatAsPlainStrings()
    {
        var r = Cast(F32(3.5f, float.NegativeInfinity, float.NaN, 0.1f), DType.String).Strings.ToArray();
        Assert.Equal(new[] { "3.5", "-INF", "NaN", "0.1" }, r);
        Assert.Equal("-3", Cast(I64(-3), DType.String).Strings[0]);
        Assert.Equal("0.1", Cast(Tensor.FromArray(new[] { (Half)0.1 }), DType.String).Strings[0]);
        Assert.Equal("1e-07", Cast(F32(1e-7f), DType.String).Strings[0]);
        Assert.Equal("18446744073709551615", Cast(Tensor.FromArray(new[] { ulong.MaxValue }), DType.String).Strings[0]);
    }

    [Fact]
    public void IntegersWrapAndFloatsTruncate()
    {
        Assert.Equal(new sbyte[] { -56, 1 }, Cast(Tensor.FromArray(new short[] { 200, 257 }), DType.Int8).ToArray<sbyte>());
        Assert.Equal(new int[] { -2, 2, 0 }, Cast(F32(-2.7f, 2.7f, -0.5f), DType.Int32).ToArray<int>());
        Assert.Equal(new[] { true, false, true }, Cast(F32(0.1f, -0f, float.NaN), DType.Bool).ToArray<bool>());
        // int4 keeps the low 4 bits, sign-extended: -9 -> 7, 8 -> -8.
        Assert.Equal(new sbyte[] { 7, -8, 3 }, Cast(F32(-9f, 8f, 3.9f), DType.Int4).ToArray<sbyte>());
    }

    [Fact]
    public void CastLikeTakesTheSecondInputsDtype()
    {
        var r = Run1("CastLike", [F32(1.5f, -1.5f), Tensor.FromArray(new short[] { 0 })]);
        Assert.Equal(DType.Int16, r.DType);
        Assert.Equal(new short[] { 1, -1 }, r.ToArray<short>());
    }

    [Fact]
    public void BitCastReinterpretsBits()
    {
        var r = Run1("BitCast", [F32(1f, -2f)], 26, Attr.Of("to", (long)DType.Int32));
        Assert.Equal(new[] { 0x3F800000, unchecked((int)0xC0000000) }, r.ToArray<int>());
    }

    [Fact]
    public void OpsetOneTakesATypeName()
    {
        var r = Run1("Cast", [I64(3)], 1, Attr.Of("to", "DOUBLE"));
        Assert.Equal(new[] { 3.0 }, r.ToArray<double>());
    }
}
