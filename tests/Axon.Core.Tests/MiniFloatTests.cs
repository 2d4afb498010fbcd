namespace Axon.Core.Tests;

public class MiniFloatTests
{
    [Theory]
    [InlineData(1f, 0x38)]
    [InlineData(448f, 0x7E)] // largest finite
    [InlineData(-448f, 0xFE)]
    [InlineData(0.001953125f, 0x01)] // 2^-9, smallest subnormal
    [InlineData(0.015625f, 0x08)] // 2^-6, smallest normal
    [InlineData(1.0625f, 0x38)] // tie between 1 and 1.125: even mantissa (1)
    [InlineData(1.1875f, 0x3A)] // tie between 1.125 and 1.25: even mantissa (1.25)
    [InlineData(464f, 0x7E)] // above 448 saturates by default
    [InlineData(1e6f, 0x7E)]
    [InlineData(float.PositiveInfinity, 0x7E)]
    [InlineData(-0f, 0x80)]
    public void E4M3FNKnownEncodings(float value, int bits)
    {
        Assert.Equal(bits, Float8E4M3FN.FromFloat(value).Bits);
    }

    [Fact]
    public void E4M3FNNaNAndNoInfinity()
    {
        // Both 0x7F and 0xFF are NaN; the encoder may keep the NaN's sign (float.NaN has its sign bit set in .NET).
        Assert.Equal(0x7F, Float8E4M3FN.FromFloat(float.NaN).Bits & 0x7F);
        Assert.Equal(0x7F, Float8E4M3FN.FromFloat(BitConverter.UInt32BitsToSingle(0x7FC00000)).Bits);
        Assert.True(float.IsNaN(new Float8E4M3FN(0x7F).ToFloat()));
        Assert.True(float.IsNaN(new Float8E4M3FN(0xFF).ToFloat()));
        Assert.Equal(448f, new Float8E4M3FN(0x7E).ToFloat());
        // Without saturation there is no infinity to go to: overflow is NaN.
        Assert.Equal(0x7F, Float8E4M3FN.FromFloat(1000f, saturate: false).Bits);
        Assert.Equal(0x7F, Float8E4M3FN.FromFloat(float.PositiveInfinity, saturate: false).Bits);
        Assert.Equal(448f, MiniFloat.E4M3FN.MaxFinite);
    }

    [Fact]
    public void E5M2HasInfinities()
    {
        Assert.Equal(0x3C, Float8E5M2.FromFloat(1f).Bits);
        Assert.Equal(57344f, new Float8E5M2(0x7B).ToFloat());
        Assert.Equal(0x7B, Float8E5M2.FromFloat(1e6f).Bits); // saturating by default
        Assert.Equal(0x7C, Float8E5M2.FromFloat(1e6f, saturate: false).Bits);
        Assert.Equal(0xFC, Float8E5M2.FromFloat(float.NegativeInfinity, saturate: false).Bits);
        Assert.True(float.IsPositiveInfinity(new Float8E5M2(0x7C).ToFloat()));
        Assert.True(float.IsNegativeInfinity(new Float8E5M2(0xFC).ToFloat()));
        Assert.True(float.IsNaN(new Float8E5M2(0x7D).ToFloat()));
        Assert.True(float.IsNaN(Float8E5M2.FromFloat(float.NaN).ToFloat()));
    }

    [Fact]
    public void FnuzFormatsHaveOneZeroAndNaNAt0x80()
    {
        Assert.Equal(0x00, Float8E4M3FNUZ.FromFloat(-0f).Bits);
        Assert.Equal(0x80, Float8E4M3FNUZ.FromFloat(float.NaN).Bits);
        Assert.True(float.IsNaN(new Float8E4M3FNUZ(0x80).ToFloat()));
        Assert.Equal(240f, new Float8E4M3FNUZ(0x7F).ToFloat());
        Assert.Equal(0x40, Float8E4M3FNUZ.FromFloat(1f).Bits); // bias 8
        Assert.Equal(0x00, Float8E5M2FNUZ.FromFloat(-0f).Bits);
        Assert.Equal(0x80, Float8E5M2FNUZ.FromFloat(float.NaN).Bits);
        Assert.Equal(57344f, new Float8E5M2FNUZ(0x7F).ToFloat());
        Assert.Equal(0x7F, Float8E5M2FNUZ.FromFloat(float.PositiveInfinity).Bits);
        Assert.Equal(0x80, Float8E5M2FNUZ.FromFloat(float.PositiveInfinity, saturate: false).Bits);
        // A negative value that rounds to zero must not produce the NaN pattern 0x80.
        Assert.Equal(0x00, Float8E4M3FNUZ.FromFloat(-1e-9f).Bits);
    }

    [Fact]
    public void Float4E2M1Values()
    {
        float[] expected = [0, 0.5f, 1, 1.5f, 2, 3, 4, 6];
        for (int b = 0; b < 8; b++)
        {
            Assert.Equal(expected[b], new Float4E2M1((byte)b).ToFloat());
            Assert.Equal(-expected[b], new Float4E2M1((byte)(b | 8)).ToFloat());
        }
        Assert.Equal(0x6, Float4E2M1.FromFloat(5f).Bits); // tie between 4 and 6: even mantissa (4)
        Assert.Equal(0x7, Float4E2M1.FromFloat(100f).Bits); // saturates at 6
        Assert.Equal(0x1, Float4E2M1.FromFloat(0.25f + 1e-6f).Bits);
    }

    public static TheoryData<string> Formats() => ["E4M3FN", "E4M3FNUZ", "E5M2", "E5M2FNUZ", "E2M1"];

    private static MiniFloat Format(string name) => name switch
    {
        "E4M3FN" => MiniFloat.E4M3FN,
        "E4M3FNUZ" => MiniFloat.E4M3FNUZ,
        "E5M2" => MiniFloat.E5M2,
        "E5M2FNUZ" => MiniFloat.E5M2FNUZ,
        _ => MiniFloat.E2M1,
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryCodeRoundTrips(string name)
    {
        var f = Format(name);
        int codes = 1 << (1 + f.ExpBits + f.MantBits);
        for (int b = 0; b < codes; b++)
        {
            float v = f.Decode(b);
            if (float.IsNaN(v))
            {
                continue;
            }
            Assert.Equal(b, f.Encode(v, saturate: false));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EncodingRoundsToTheNearestCode(string name)
    {
        var f = Format(name);
        int codes = 1 << (1 + f.ExpBits + f.MantBits);
        var finite = Enumerable.Range(0, codes).Select(f.Decode).Where(float.IsFinite).Distinct().ToArray();
        var rng = new Random(99);
        for (int i = 0; i < 2000; i++)
        {
            float x = (float)((rng.NextDouble() * 2 - 1) * f.MaxFinite);
            float got = f.Decode(f.Encode(x));
            float bestErr = finite.Min(c => MathF.Abs(c - x));
            Assert.Equal(bestErr, MathF.Abs(got - x));
        }
    }
}
