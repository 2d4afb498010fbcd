using Axon.Graph.Reference;
using static Axon.Graph.Tests.Ops.MathOpRunner;

namespace Axon.Graph.Tests.Ops;

public class DTypeOpsTests
{
    [Fact]
    public void CastToFloat8E8M0HonoursRoundModeAndSaturate()
    {
        var x = F32(3f, 2.9f, 1f, 0.3f, float.PositiveInfinity);
        Tensor Cast(string mode, long saturate) =>
            Run1("Cast", [x], 25, Attr.Of("to", (long)DType.Float8E8M0), Attr.Of("round_mode", mode), Attr.Of("saturate", saturate));
        // 3 lies between 2 (0x80) and 4 (0x81); 0.3 between 0.25 (0x7D) and 0.5 (0x7E); +inf saturates to 2^127 (0xFE) or is NaN (0xFF).
        Assert.Equal(new byte[] { 0x81, 0x81, 0x7F, 0x7E, 0xFE }, Cast("up", 1).ToArray<byte>());
        Assert.Equal(new byte[] { 0x80, 0x80, 0x7F, 0x7D, 0xFE }, Cast("down", 1).ToArray<byte>());
        Assert.Equal(new byte[] { 0x81, 0x80, 0x7F, 0x7D, 0xFF }, Cast("nearest", 0).ToArray<byte>());
        Assert.Equal(new double[] { 4, 4, 1, 0.5 }, Cast("up", 1).ToDoubles()[..4]);
    }

    [Fact]
    public void CastToTwoBitIntegersKeepsLowBits()
    {
        var x = F32(-3.7f, 2f, 5f, -1f);
        // Truncate toward zero (-3, 2, 5, -1), then keep two bits: int2 sign-extends, uint2 does not.
        Assert.Equal(new sbyte[] { 1, -2, 1, -1 }, Run1("Cast", [x], 25, Attr.Of("to", (long)DType.Int2)).ToArray<sbyte>());
        Assert.Equal(new byte[] { 1, 2, 1, 3 }, Run1("Cast", [x], 25, Attr.Of("to", (long)DType.UInt2)).ToArray<byte>());
        var back = Run1("Cast", [Tensor.FromInt64s(DType.Int2, [-2, 1], 2)], 25, Attr.Of("to", (long)DType.Float32));
        Assert.Equal(new float[] { -2, 1 }, back.ToArray<float>());
    }

    [Fact]
    public void ArithUsesTheUnsignedPathForUInt64()
    {
        var big = Tensor.FromInt64s(DType.UInt64, [unchecked((long)18446744073709551614UL), 10], 2); // 2^64 - 2, 10
        var three = Tensor.FromInt64s(DType.UInt64, [3, 3], 2);
        var q = Elementwise.Arith(big, three, (a, b) => a / b, (a, b) => a / b, fu: (a, b) => a / b);
        Assert.Equal(new ulong[] { 6148914691236517204UL, 3 }, q.ToArray<ulong>());
        var max = Elementwise.Arith(big, three, Math.Max, Math.Max, fu: Math.Max);
        Assert.Equal(new ulong[] { 18446744073709551614UL, 10 }, max.ToArray<ulong>());
        // Without an unsigned function, wrap-around arithmetic is still exact bit for bit.
        var sum = Elementwise.Arith(big, three, (a, b) => a + b, (a, b) => unchecked(a + b));
        Assert.Equal(new ulong[] { 1, 13 }, sum.ToArray<ulong>());
        var neg = Elementwise.UnaryArith(big, v => v, v => v < 0 ? 0 : v, fu: v => v);
        Assert.Equal(18446744073709551614UL, neg.ToArray<ulong>()[0]);
    }

    [Fact]
    public void MultinomialSamplesTheDominantClassWithRequestedShape()
    {
        var logits = Tensor.FromArray(new float[] { -1000f, 0f, -1000f, 0f, -1000f, -1000f }, 2, 3);
        var r = Run1("Multinomial", [logits], 7, Attr.Of("sample_size", 4L), Attr.Of("dtype", (long)DType.Int64), Attr.Of("seed", 3f));
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(new[] { 2, 4 }, r.Shape);
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0, 0, 0 }, r.ToArray<long>());
        var d = Run1("Multinomial", [logits], 7);
        Assert.Equal(DType.Int32, d.DType);
        Assert.Equal(new[] { 2, 1 }, d.Shape);
    }

    [Fact]
    public void Float32FftMatchesTheExactTransformAndNumPysRoundingNoise()
    {
        // ifft of 0..9 (the first column of test_dft_inverse): bin 5 is exactly -5 + 0i, but NumPy's float32 pocketfft
        // leaves 2^-19 / 10 in the imaginary part, which the test data carries.
        var f = Fourier32.Factor(10)!;
        Assert.Equal(new[] { 2, 5 }, f);
        var re = Enumerable.Range(0, 10).Select(i => 10f * i).ToArray();
        var im = new float[10];
        Fourier32.Transform(re, im, inverse: true, f);
        Assert.Equal(45f, re[0], 4);
        Assert.Equal(-5f, re[5], 4);
        Assert.Equal(1.9073486e-7f, im[5]);
        // Forward, for a length with radices 4 and 3, against the exact transform.
        var xr = Enumerable.Range(0, 12).Select(i => (float)Math.Sin(i * 0.7) + i).ToArray();
        var xi = Enumerable.Range(0, 12).Select(i => (float)Math.Cos(i * 1.3)).ToArray();
        var er = new double[12];
        var ei = new double[12];
        Fourier.Transform(xr.Select(v => (double)v).ToArray(), xi.Select(v => (double)v).ToArray(), false, 12, er, ei);
        Fourier32.Transform(xr, xi, inverse: false, Fourier32.Factor(12)!);
        for (int k = 0; k < 12; k++)
        {
            Assert.Equal(er[k], xr[k], 4);
            Assert.Equal(ei[k], xi[k], 4);
        }
        Assert.Null(Fourier32.Factor(16));
        Assert.Null(Fourier32.Factor(14));
    }
}
