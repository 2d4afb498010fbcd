namespace Axon;

/// <summary>
/// Encodes and decodes the small float formats (float8 variants and float4 e2m1) from a description of their bit layout,
/// so each format is a few constants rather than a hand-written converter.
/// </summary>
public sealed class MiniFloat
{
    private readonly float[] _decode;

    private MiniFloat(int expBits, int mantBits, int bias, bool hasInf, bool unsignedZeroNaN, bool allOnesIsNaN, bool hasNaN)
    {
        ExpBits = expBits;
        MantBits = mantBits;
        Bias = bias;
        HasInf = hasInf;
        Fnuz = unsignedZeroNaN;
        AllOnesNaN = allOnesIsNaN;
        HasNaN = hasNaN;
        int total = 1 + expBits + mantBits;
        _decode = new float[1 << total];
        for (int b = 0; b < _decode.Length; b++)
        {
            _decode[b] = DecodeSlow(b);
        }
        float max = 0;
        foreach (float f in _decode)
        {
            if (float.IsFinite(f) && f > max)
            {
                max = f;
            }
        }
        MaxFinite = max;
    }

    public int ExpBits { get; }
    public int MantBits { get; }
    public int Bias { get; }
    public bool HasInf { get; }
    public bool Fnuz { get; }
    public bool AllOnesNaN { get; }
    public bool HasNaN { get; }
    public float MaxFinite { get; }
    private int SignShift => ExpBits + MantBits;

    public static readonly MiniFloat E4M3FN = new(4, 3, 7, hasInf: false, unsignedZeroNaN: false, allOnesIsNaN: true, hasNaN: true);
    public static readonly MiniFloat E4M3FNUZ = new(4, 3, 8, hasInf: false, unsignedZeroNaN: true, allOnesIsNaN: false, hasNaN: true);
    public static readonly MiniFloat E5M2 = new(5, 2, 15, hasInf: true, unsignedZeroNaN: false, allOnesIsNaN: false, hasNaN: true);
    public static readonly MiniFloat E5M2FNUZ = new(5, 2, 16, hasInf: false, unsignedZeroNaN: true, allOnesIsNaN: false, hasNaN: true);
    public static readonly MiniFloat E2M1 = new(2, 1, 1, hasInf: false, unsignedZeroNaN: false, allOnesIsNaN: false, hasNaN: false);

    public float Decode(int bits) => _decode[bits & (_decode.Length - 1)];

    private float DecodeSlow(int b)
    {
        int sign = (b >> SignShift) & 1;
        int exp = (b >> MantBits) & ((1 << ExpBits) - 1);
        int mant = b & ((1 << MantBits) - 1);
        int expMax = (1 << ExpBits) - 1;
        if (Fnuz && b == 1 << SignShift)
        {
            return float.NaN;
        }
        if (HasInf && exp == expMax)
        {
            return mant == 0 ? (sign == 1 ? float.NegativeInfinity : float.PositiveInfinity) : float.NaN;
        }
        if (AllOnesNaN && exp == expMax && mant == (1 << MantBits) - 1)
        {
            return float.NaN;
        }
        double v = exp == 0
            ? mant * Math.Pow(2, 1 - Bias - MantBits)
            : (1 + mant / (double)(1 << MantBits)) * Math.Pow(2, exp - Bias);
        return (float)(sign == 1 ? -v : v);
    }

    private int NaNBits => Fnuz ? 1 << SignShift : (1 << SignShift) - 1;

    /// <summary>
    /// Round-to-nearest-even encode, rounding once from the double. With <paramref name="saturate"/>, out-of-range values
    /// (and infinities) clamp to the largest finite value, as ONNX Cast's default; without it they become Inf where the
    /// format has one, else NaN, following Cast's table: -Inf to E4M3FN is -NaN (0xFF), overflow is NaN (0x7F). NaN inputs
    /// give the positive NaN whatever their sign bit (.NET's own NaN constants have it set). A format without NaN
    /// (float4e2m1) encodes NaN as the otherwise unused negative zero 0b1000, as the ONNX test data does.
    /// </summary>
    public int Encode(double x, bool saturate = true)
    {
        int signBit = 1 << SignShift;
        int sign = double.IsNegative(x) ? signBit : 0;
        if (double.IsNaN(x))
        {
            return HasNaN ? NaNBits : signBit;
        }
        double a = Math.Abs(x);
        if (double.IsInfinity(a))
        {
            return !saturate && HasNaN && !HasInf && !Fnuz ? sign | NaNBits : Overflow(sign, saturate);
        }
        if (a == 0)
        {
            return Fnuz ? 0 : sign;
        }
        int minNormalExp = 1 - Bias;
        int e = Math.ILogB(a);
        double q;
        int biased;
        if (e < minNormalExp)
        {
            q = Math.Round(Math.ScaleB(a, -(minNormalExp - MantBits)), MidpointRounding.ToEven);
            biased = 0;
            if (q >= 1 << MantBits)
            {
                biased = 1;
                q -= 1 << MantBits;
            }
        }
        else
        {
            q = Math.Round(Math.ScaleB(a, -(e - MantBits)), MidpointRounding.ToEven);
            if (q >= 1 << (MantBits + 1))
            {
                e++;
                q /= 2;
            }
            biased = e + Bias;
            q -= 1 << MantBits;
        }
        double rounded = biased == 0 ? q * Math.ScaleB(1.0, minNormalExp - MantBits) : (1 + q / (1 << MantBits)) * Math.ScaleB(1.0, biased - Bias);
        if (rounded > MaxFinite || biased > (1 << ExpBits) - 1)
        {
            return Overflow(sign, saturate);
        }
        int bits = sign | (biased << MantBits) | (int)q;
        if (Fnuz && bits == signBit)
        {
            return 0;
        }
        return bits;
    }

    private int Overflow(int sign, bool saturate)
    {
        if (saturate || !HasNaN)
        {
            return sign | MaxBits();
        }
        if (HasInf)
        {
            return sign | InfBits();
        }
        return NaNBits;
    }

    private int InfBits() => ((1 << ExpBits) - 1) << MantBits;

    private int MaxBits()
    {
        for (int b = (1 << SignShift) - 1; b >= 0; b--)
        {
            if (_decode[b] == MaxFinite)
            {
                return b;
            }
        }
        return 0;
    }
}

/// <summary>float8 with 4 exponent and 3 mantissa bits, finite only (NaN = 0x7F/0xFF).</summary>
public readonly record struct Float8E4M3FN(byte Bits)
{
    public float ToFloat() => MiniFloat.E4M3FN.Decode(Bits);
    public static Float8E4M3FN FromFloat(float f, bool saturate = true) => new((byte)MiniFloat.E4M3FN.Encode(f, saturate));
    public override string ToString() => ToFloat().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>float8 e4m3, finite, unsigned zero; 0x80 is NaN.</summary>
public readonly record struct Float8E4M3FNUZ(byte Bits)
{
    public float ToFloat() => MiniFloat.E4M3FNUZ.Decode(Bits);
    public static Float8E4M3FNUZ FromFloat(float f, bool saturate = true) => new((byte)MiniFloat.E4M3FNUZ.Encode(f, saturate));
    public override string ToString() => ToFloat().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>float8 with 5 exponent and 2 mantissa bits, IEEE-like with infinities.</summary>
public readonly record struct Float8E5M2(byte Bits)
{
    public float ToFloat() => MiniFloat.E5M2.Decode(Bits);
    public static Float8E5M2 FromFloat(float f, bool saturate = true) => new((byte)MiniFloat.E5M2.Encode(f, saturate));
    public override string ToString() => ToFloat().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>float8 e5m2, finite, unsigned zero; 0x80 is NaN.</summary>
public readonly record struct Float8E5M2FNUZ(byte Bits)
{
    public float ToFloat() => MiniFloat.E5M2FNUZ.Decode(Bits);
    public static Float8E5M2FNUZ FromFloat(float f, bool saturate = true) => new((byte)MiniFloat.E5M2FNUZ.Encode(f, saturate));
    public override string ToString() => ToFloat().ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>float4 e2m1 (stored one per byte in memory, two per byte in ONNX files).</summary>
public readonly record struct Float4E2M1(byte Bits)
{
    public float ToFloat() => MiniFloat.E2M1.Decode(Bits);
    public static Float4E2M1 FromFloat(float f) => new((byte)MiniFloat.E2M1.Encode(f, true));
    public override string ToString() => ToFloat().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
