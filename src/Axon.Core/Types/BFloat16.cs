using System.Runtime.CompilerServices;

namespace Axon;

/// <summary>
/// Brain floating point: the upper 16 bits of an IEEE float32 (1 sign, 8 exponent, 7 mantissa bits).
/// Conversion from float32 rounds to nearest even, or stochastically for training.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>
{
    public readonly ushort Bits;

    private BFloat16(ushort bits) => Bits = bits;

    public static BFloat16 FromBits(ushort bits) => new(bits);

    public static readonly BFloat16 Zero = new(0);
    public static readonly BFloat16 One = new(0x3F80);
    public static readonly BFloat16 NaN = new(0x7FC0);
    public static readonly BFloat16 PositiveInfinity = new(0x7F80);
    public static readonly BFloat16 NegativeInfinity = new(0xFF80);

    /// <summary>Round-to-nearest-even conversion; NaN stays a (quiet) NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BFloat16 FromFloat(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + rounding) >> 16));
    }

    /// <summary>
    /// Round-to-nearest-even conversion from double with a single rounding: the double first rounds to float32 with
    /// round-to-odd (truncate, then set the last bit if anything was lost), which keeps enough information for the
    /// second, nearest-even rounding to 8 mantissa bits to equal one direct rounding.
    /// </summary>
    public static BFloat16 FromDouble(double value) => FromFloat(RoundToOddSingle(value));

    /// <summary>Rounds a double to float32 toward zero, then sets the lowest mantissa bit if the result is inexact.</summary>
    public static float RoundToOddSingle(double d)
    {
        float f = (float)d;
        if (double.IsNaN(d) || (double)f == d)
        {
            return f;
        }
        if (Math.Abs((double)f) > Math.Abs(d))
        {
            f = d > 0 ? MathF.BitDecrement(f) : MathF.BitIncrement(f);
        }
        return BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(f) | 1);
    }

    /// <summary>Truncating conversion (drops the low 16 bits).</summary>
    public static BFloat16 FromFloatTruncate(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000)
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }
        return new BFloat16((ushort)(bits >> 16));
    }

    /// <summary>
    /// Stochastic rounding: rounds up with probability equal to the discarded fraction.
    /// <paramref name="random16"/> supplies 16 uniformly random bits (only the low 16 are used), so a seeded
    /// generator makes the result reproducible. The expected value of the result equals <paramref name="value"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BFloat16 FromFloatStochastic(float value, uint random16)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint abs = bits & 0x7FFF_FFFF;
        if (abs >= 0x7F80_0000)
        {
            return abs > 0x7F80_0000 ? new BFloat16((ushort)((bits >> 16) | 0x0040)) : new BFloat16((ushort)(bits >> 16));
        }
        uint sum = bits + (random16 & 0xFFFF);
        // Rounding a finite value up into the infinity encoding would break the expectation property; clamp to max finite.
        if ((sum & 0x7F80_0000) == 0x7F80_0000)
        {
            return new BFloat16((ushort)((bits & 0x8000_0000) >> 16 | 0x7F7F));
        }
        return new BFloat16((ushort)(sum >> 16));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ToFloat() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    public static explicit operator BFloat16(float f) => FromFloat(f);
    public static explicit operator BFloat16(double d) => FromFloat((float)d);
    public static implicit operator float(BFloat16 b) => b.ToFloat();
    public static explicit operator double(BFloat16 b) => b.ToFloat();

    public bool IsNaN => (Bits & 0x7FFF) > 0x7F80;

    public bool Equals(BFloat16 other) => ToFloat().Equals(other.ToFloat());
    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);
    public override int GetHashCode() => ToFloat().GetHashCode();
    public int CompareTo(BFloat16 other) => ToFloat().CompareTo(other.ToFloat());
    public override string ToString() => ToFloat().ToString("G5", System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator ==(BFloat16 a, BFloat16 b) => a.ToFloat() == b.ToFloat();
    public static bool operator !=(BFloat16 a, BFloat16 b) => a.ToFloat() != b.ToFloat();
}
