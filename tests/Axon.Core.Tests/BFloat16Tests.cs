namespace Axon.Core.Tests;

public class BFloat16Tests
{
    private static BFloat16 FromBits32(uint bits) => BFloat16.FromFloat(BitConverter.UInt32BitsToSingle(bits));

    [Theory]
    [InlineData(0x3F800000u, (ushort)0x3F80)] // 1.0 exact
    [InlineData(0x3F808000u, (ushort)0x3F80)] // tie, lower neighbour even: stays
    [InlineData(0x3F818000u, (ushort)0x3F82)] // tie, lower neighbour odd: rounds up to even
    [InlineData(0x3F808001u, (ushort)0x3F81)] // just above the tie: up
    [InlineData(0x3F807FFFu, (ushort)0x3F80)] // just below the tie: down
    [InlineData(0xBF818000u, (ushort)0xBF82)] // negative tie: magnitude to even
    [InlineData(0x80000000u, (ushort)0x8000)] // -0 keeps its sign
    [InlineData(0x00000001u, (ushort)0x0000)] // smallest subnormal rounds to zero
    [InlineData(0x00008000u, (ushort)0x0000)] // subnormal tie to even (zero)
    [InlineData(0x00018000u, (ushort)0x0002)] // subnormal tie to even (up)
    public void RoundsToNearestEven(uint input, ushort expected)
    {
        Assert.Equal(expected, FromBits32(input).Bits);
    }

    [Fact]
    public void InfinitiesAndOverflow()
    {
        Assert.Equal((ushort)0x7F80, BFloat16.FromFloat(float.PositiveInfinity).Bits);
        Assert.Equal((ushort)0xFF80, BFloat16.FromFloat(float.NegativeInfinity).Bits);
        // float.MaxValue lies above the largest bfloat16 (0x7F7F) by more than half an ulp: it rounds to infinity.
        Assert.Equal((ushort)0x7F80, BFloat16.FromFloat(float.MaxValue).Bits);
        Assert.Equal((ushort)0xFF80, BFloat16.FromFloat(float.MinValue).Bits);
        Assert.Equal((ushort)0x7F80, FromBits32(0x7F7F8000).Bits); // tie at the top: 0x7F7F is odd, so up to inf
        Assert.Equal((ushort)0x7F7F, FromBits32(0x7F7F7FFF).Bits);
        Assert.True(float.IsPositiveInfinity(BFloat16.PositiveInfinity.ToFloat()));
    }

    [Theory]
    [InlineData(0x7FC00000u)] // quiet NaN
    [InlineData(0x7F800001u)] // signalling NaN whose payload sits only in the dropped bits: must not become inf
    [InlineData(0xFF800001u)]
    [InlineData(0x7FFFFFFFu)] // rounding up must not carry into the sign
    public void NaNStaysNaN(uint bits)
    {
        var b = FromBits32(bits);
        Assert.True(b.IsNaN);
        Assert.True(float.IsNaN(b.ToFloat()));
        Assert.Equal(bits >> 31, (uint)b.Bits >> 15);
        Assert.True(BFloat16.FromFloatTruncate(BitConverter.UInt32BitsToSingle(bits)).IsNaN);
    }

    [Fact]
    public void EveryBFloat16RoundTripsThroughFloat()
    {
        for (int b = 0; b <= 0xFFFF; b++)
        {
            var x = BFloat16.FromBits((ushort)b);
            if (x.IsNaN)
            {
                continue;
            }
            Assert.Equal((ushort)b, BFloat16.FromFloat(x.ToFloat()).Bits);
            Assert.Equal((ushort)b, BFloat16.FromFloatStochastic(x.ToFloat(), 0xFFFF).Bits);
        }
    }

    [Fact]
    public void TruncateDropsLowBits()
    {
        Assert.Equal((ushort)0x3F80, BFloat16.FromFloatTruncate(BitConverter.UInt32BitsToSingle(0x3F80FFFF)).Bits);
    }

    [Fact]
    public void StochasticRoundingIsUnbiased()
    {
        // 1 + 0.3 ulp (ulp of bfloat16 at 1 is 2^-7): rounds up with probability 0.3.
        float value = 1f + 0.3f * MathF.Pow(2, -7);
        var rng = new Random(1234);
        const int n = 40000;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += BFloat16.FromFloatStochastic(value, (uint)rng.Next(0, 1 << 16)).ToFloat();
        }
        // Standard error is ulp * sqrt(0.21 / n) ~ 1.8e-5; allow five of them.
        Assert.InRange(sum / n, value - 1e-4, value + 1e-4);
        // Plain rounding would be off by 0.3 ulp = 2.3e-3: the test can tell the two apart.
        Assert.True(Math.Abs(BFloat16.FromFloat(value).ToFloat() - value) > 2e-3);
    }

    [Fact]
    public void StochasticRoundingIsReproducibleForASeed()
    {
        var r1 = new Random(42);
        var r2 = new Random(42);
        for (int i = 0; i < 200; i++)
        {
            float v = 0.1f * i + 0.0123f;
            Assert.Equal(BFloat16.FromFloatStochastic(v, (uint)r1.Next(1 << 16)).Bits, BFloat16.FromFloatStochastic(v, (uint)r2.Next(1 << 16)).Bits);
        }
    }

    [Fact]
    public void StochasticResultIsAlwaysOneOfTheTwoNeighbours()
    {
        var rng = new Random(7);
        for (int i = 0; i < 20000; i++)
        {
            float v = (float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-130, 127)));
            var r = BFloat16.FromFloatStochastic(v, (uint)rng.Next(1 << 16));
            var down = BFloat16.FromFloatTruncate(v); // the neighbour towards zero
            ushort upBits = (ushort)(down.Bits + ((BitConverter.SingleToUInt32Bits(v) & 0xFFFF) != 0 ? 1 : 0));
            Assert.True(r.Bits == down.Bits || r.Bits == upBits, $"{v}: got 0x{r.Bits:X4}, neighbours 0x{down.Bits:X4}/0x{upBits:X4}");
        }
    }

    [Fact]
    public void StochasticNeverRoundsAFiniteValueToInfinity()
    {
        float nearMax = BitConverter.UInt32BitsToSingle(0x7F7FFFFF);
        Assert.Equal((ushort)0x7F7F, BFloat16.FromFloatStochastic(nearMax, 0xFFFF).Bits);
        Assert.Equal((ushort)0xFF7F, BFloat16.FromFloatStochastic(-nearMax, 0xFFFF).Bits);
        Assert.True(BFloat16.FromFloatStochastic(float.NaN, 0x1234).IsNaN);
        Assert.Equal((ushort)0x7F80, BFloat16.FromFloatStochastic(float.PositiveInfinity, 0xFFFF).Bits);
    }

    [Fact]
    public void EqualityFollowsFloatSemantics()
    {
        Assert.True(BFloat16.FromBits(0x0000) == BFloat16.FromBits(0x8000)); // +0 == -0
        var nan = BFloat16.NaN;
        Assert.False(nan == BFloat16.FromBits(nan.Bits));
        Assert.True(BFloat16.One.CompareTo(BFloat16.Zero) > 0);
        Assert.Equal("1", BFloat16.One.ToString());
    }
}
