namespace Axon;

/// <summary>How a value between two powers of two rounds when cast to <see cref="Float8E8M0"/> (Cast's <c>round_mode</c>).</summary>
public enum E8M0Rounding
{
    /// <summary>To the power of two away from zero (Cast's default, as CUDA does).</summary>
    Up,

    /// <summary>To the power of two toward zero.</summary>
    Down,

    /// <summary>To the nearer power of two; the midpoint 1.5·2^e rounds up.</summary>
    Nearest,
}

/// <summary>
/// float8 e8m0, the scale type of the OCP microscaling (MX) formats: only an 8-bit exponent with bias 127, so its values
/// are 2^-127 .. 2^127; 0xFF is NaN. There is no sign, zero or infinity.
/// </summary>
public readonly record struct Float8E8M0(byte Bits)
{
    public const byte NaNBits = 0xFF;
    public const byte MaxBits = 0xFE;

    public float ToFloat() => (float)ToDouble();

    public double ToDouble() => Decode(Bits);

    public static double Decode(byte bits) => bits == NaNBits ? double.NaN : Math.ScaleB(1.0, bits - 127);

    public static Float8E8M0 FromDouble(double x, bool saturate = true, E8M0Rounding rounding = E8M0Rounding.Up) =>
        new(Encode(x, saturate, rounding));

    /// <summary>
    /// Encodes x with one rounding from the double. Cast leaves zero and negative inputs unspecified: the magnitude is
    /// used, and zero (like any value below 2^-127 that rounds away) becomes the smallest value when saturating, else NaN.
    /// Values above 2^127 and infinities saturate to 2^127 or become NaN.
    /// </summary>
    public static byte Encode(double x, bool saturate = true, E8M0Rounding rounding = E8M0Rounding.Up)
    {
        if (double.IsNaN(x))
        {
            return NaNBits;
        }
        double a = Math.Abs(x);
        if (double.IsInfinity(a))
        {
            return saturate ? MaxBits : NaNBits;
        }
        if (a == 0)
        {
            return saturate ? (byte)0 : NaNBits;
        }
        int e = Math.ILogB(a);
        double m = Math.ScaleB(a, -e); // in [1, 2)
        if ((rounding == E8M0Rounding.Up && m > 1) || (rounding == E8M0Rounding.Nearest && m >= 1.5))
        {
            e++;
        }
        int biased = e + 127;
        if (biased > MaxBits)
        {
            return saturate ? MaxBits : NaNBits;
        }
        if (biased < 0)
        {
            return saturate ? (byte)0 : NaNBits;
        }
        return (byte)biased;
    }

    /// <summary>Parses Cast's <c>round_mode</c> attribute ("up", "down", "nearest").</summary>
    public static bool TryParseRounding(string mode, out E8M0Rounding rounding)
    {
        switch (mode)
        {
            case "up": rounding = E8M0Rounding.Up; return true;
            case "down": rounding = E8M0Rounding.Down; return true;
            case "nearest": rounding = E8M0Rounding.Nearest; return true;
            default: rounding = E8M0Rounding.Up; return false;
        }
    }

    public override string ToString() => ToDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
