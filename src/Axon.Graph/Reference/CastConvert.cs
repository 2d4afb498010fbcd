using System.Globalization;

namespace Axon.Graph.Reference;

/// <summary>
/// Value conversion between every pair of ONNX dtypes, as Cast specifies: floats round to nearest even (float8 saturating
/// unless told otherwise), floats truncate toward zero into integers, integers keep their low bits when narrowed, and
/// strings parse and print plain or scientific decimal with "INF", "-INF" and "NaN" for the special values.
/// </summary>
internal static class CastConvert
{
    public static Tensor Convert(Tensor x, DType to, bool saturate)
    {
        if (to == DType.String)
        {
            return ToStrings(x);
        }
        if (x.DType == DType.String)
        {
            return FromStrings(x.Strings, to, x.Shape);
        }
        if (x.DType == to)
        {
            return x.Clone();
        }
        if (!x.DType.IsFloat())
        {
            // Integers and bools: exact in int64 (uint64 bit for bit).
            var v = x.ToInt64s();
            if (to.IsInteger() || to == DType.Bool)
            {
                return FromInt64s(v, to, x.Shape);
            }
            if (to == DType.Float32 && x.DType != DType.UInt64)
            {
                // Straight from int64 to float32, avoiding a second rounding through double.
                var f = new float[v.Length];
                for (int i = 0; i < f.Length; i++)
                {
                    f[i] = v[i];
                }
                return Tensor.FromArray(f, x.Shape);
            }
            return FromDoubles(x.ToDoubles(), to, saturate, x.Shape);
        }
        var d = x.ToDoubles();
        if (to.IsFloat())
        {
            return FromDoubles(d, to, saturate, x.Shape);
        }
        if (to == DType.Bool)
        {
            var b = Tensor.CreateUninitialized(DType.Bool, x.Shape);
            var o = b.Span<bool>();
            for (int i = 0; i < o.Length; i++)
            {
                o[i] = d[i] != 0;
            }
            return b;
        }
        var ints = new long[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            ints[i] = Truncate(d[i]);
        }
        return FromInt64s(ints, to, x.Shape);
    }

    /// <summary>Truncates toward zero; out-of-range values (undefined in the spec) saturate to the int64/uint64 range, NaN gives 0.</summary>
    public static long Truncate(double v)
    {
        if (double.IsNaN(v))
        {
            return 0;
        }
        if (v >= 9223372036854775808.0)
        {
            return v < 18446744073709551616.0 ? unchecked((long)(ulong)v) : -1;
        }
        return v <= -9223372036854775808.0 ? long.MinValue : (long)v;
    }

    /// <summary>Integers to an integer or bool dtype, keeping the low bits (200 to int8 is -56), 4-bit types included.</summary>
    public static Tensor FromInt64s(long[] v, DType to, int[] shape)
    {
        if (to == DType.Int4)
        {
            var r = Tensor.CreateUninitialized(DType.Int4, shape);
            var s = r.Span<sbyte>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (sbyte)(((v[i] & 0xF) ^ 8) - 8);
            }
            return r;
        }
        if (to == DType.UInt4)
        {
            var r = Tensor.CreateUninitialized(DType.UInt4, shape);
            var s = r.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (byte)(v[i] & 0xF);
            }
            return r;
        }
        return Tensor.FromInt64s(to, v, shape);
    }

    /// <summary>Doubles to a float dtype with one correct rounding (round-to-odd into float32 first where the target is narrower).</summary>
    public static Tensor FromDoubles(double[] d, DType to, bool saturate, int[] shape)
    {
        switch (to)
        {
            case DType.Float64:
            case DType.Float32:
            case DType.Float16:
                // .NET's double to float and double to Half conversions round correctly on their own.
                return Tensor.FromDoubles(to, d, shape);
            case DType.BFloat16:
            {
                var r = Tensor.CreateUninitialized(to, shape);
                var s = r.Span<BFloat16>();
                for (int i = 0; i < s.Length; i++)
                {
                    s[i] = BFloat16.FromFloat(RoundToOddFloat(d[i]));
                }
                return r;
            }
            case DType.Float8E4M3FN:
            case DType.Float8E4M3FNUZ:
            case DType.Float8E5M2:
            case DType.Float8E5M2FNUZ:
            case DType.Float4E2M1:
            {
                var mf = Mini(to);
                var r = Tensor.CreateUninitialized(to, shape);
                var s = r.Span<byte>();
                for (int i = 0; i < s.Length; i++)
                {
                    // float4e2m1 has no NaN encoding; NaN becomes the otherwise unused pattern 0b1000 (-0), as the
                    // ONNX test data (ml_dtypes) expects. MiniFloat.Encode would give +-6 instead.
                    s[i] = to == DType.Float4E2M1 && double.IsNaN(d[i])
                        ? (byte)0x8
                        : (byte)mf.Encode(RoundToOddFloat(d[i]), saturate || to == DType.Float4E2M1);
                }
                return r;
            }
            default:
                if (to.IsInteger() || to == DType.Bool)
                {
                    if (to == DType.Bool)
                    {
                        return Tensor.FromDoubles(to, d, shape);
                    }
                    var ints = new long[d.Length];
                    for (int i = 0; i < d.Length; i++)
                    {
                        ints[i] = Truncate(d[i]);
                    }
                    return FromInt64s(ints, to, shape);
                }
                throw new AxonUnsupportedException($"Cast to {to.OnnxName()} is not supported");
        }
    }

    public static MiniFloat Mini(DType t) => t switch
    {
        DType.Float8E4M3FN => MiniFloat.E4M3FN,
        DType.Float8E4M3FNUZ => MiniFloat.E4M3FNUZ,
        DType.Float8E5M2 => MiniFloat.E5M2,
        DType.Float8E5M2FNUZ => MiniFloat.E5M2FNUZ,
        DType.Float4E2M1 => MiniFloat.E2M1,
        _ => throw new AxonException($"{t.OnnxName()} is not a small float format"),
    };

    /// <summary>
    /// Rounds a double to float32 with round-to-odd (truncate, then set the last bit if anything was lost). A second
    /// round-to-nearest-even into a format with at least two fewer mantissa bits then equals one direct rounding.
    /// </summary>
    public static float RoundToOddFloat(double d)
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
        int bits = BitConverter.SingleToInt32Bits(f) | 1;
        return BitConverter.Int32BitsToSingle(bits);
    }

    private static Tensor ToStrings(Tensor x)
    {
        var r = new string[x.Length];
        var inv = CultureInfo.InvariantCulture;
        switch (x.DType)
        {
            case DType.String:
                x.Strings.CopyTo(r);
                break;
            case DType.Float64:
            {
                var s = x.Span<double>();
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = FormatFloat(s[i], s[i].ToString("R", inv));
                }
                break;
            }
            case DType.Float16:
            {
                // Shortest text that reads back to the same float16 ("0.1", not the float32 digits of its value).
                var s = x.Span<Half>();
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = FormatFloat((double)s[i], s[i].ToString("R", inv));
                }
                break;
            }
            case DType.Bool:
            {
                var s = x.Span<bool>();
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = s[i] ? "True" : "False";
                }
                break;
            }
            case DType.UInt64:
            {
                var s = x.Span<ulong>();
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = s[i].ToString(inv);
                }
                break;
            }
            default:
                if (x.DType.IsInteger())
                {
                    var v = x.ToInt64s();
                    for (int i = 0; i < r.Length; i++)
                    {
                        r[i] = v[i].ToString(inv);
                    }
                }
                else
                {
                    // float32 and the narrower floats: the shortest text that reads back to the same float32.
                    var d = x.ToDoubles();
                    for (int i = 0; i < r.Length; i++)
                    {
                        r[i] = FormatFloat(d[i], ((float)d[i]).ToString("R", inv));
                    }
                }
                break;
        }
        return Tensor.FromStrings(r, x.Shape);
    }

    private static string FormatFloat(double v, string text)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }
        if (double.IsInfinity(v))
        {
            return v > 0 ? "INF" : "-INF";
        }
        return text.Replace('E', 'e');
    }

    private static Tensor FromStrings(ReadOnlySpan<string> s, DType to, int[] shape)
    {
        var inv = CultureInfo.InvariantCulture;
        if (to == DType.Float32)
        {
            // Parse straight to float32 so "0.47892547" rounds once.
            var f = new float[s.Length];
            for (int i = 0; i < f.Length; i++)
            {
                double sp = ParseSpecial(s[i]);
                if (!double.IsNaN(sp) || IsNaNText(s[i]))
                {
                    f[i] = (float)sp;
                }
                else
                {
                    f[i] = float.TryParse(s[i], NumberStyles.Float, inv, out float p) ? p : throw Bad(s[i], to);
                }
            }
            return Tensor.FromArray(f, shape);
        }
        if (to.IsInteger() || to == DType.Bool)
        {
            var v = new long[s.Length];
            for (int i = 0; i < v.Length; i++)
            {
                var t = s[i].Trim();
                if (long.TryParse(t, NumberStyles.Integer, inv, out long l))
                {
                    v[i] = l;
                }
                else if (ulong.TryParse(t, NumberStyles.Integer, inv, out ulong u))
                {
                    v[i] = unchecked((long)u);
                }
                else if (to == DType.Bool && bool.TryParse(t, out bool b))
                {
                    v[i] = b ? 1 : 0;
                }
                else
                {
                    double d = ParseDouble(s[i], to);
                    v[i] = to == DType.Bool ? (d != 0 ? 1 : 0) : Truncate(d);
                }
            }
            return FromInt64s(v, to, shape);
        }
        var dd = new double[s.Length];
        for (int i = 0; i < dd.Length; i++)
        {
            dd[i] = ParseDouble(s[i], to);
        }
        return FromDoubles(dd, to, true, shape);
    }

    private static double ParseDouble(string s, DType to)
    {
        double sp = ParseSpecial(s);
        if (!double.IsNaN(sp) || IsNaNText(s))
        {
            return sp;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw Bad(s, to);
    }

    /// <summary>The reserved literals (case-insensitive): "INF"/"+INF", "-INF", "NaN"; NaN for anything else.</summary>
    private static double ParseSpecial(string s)
    {
        var t = s.Trim();
        if (t.Equals("INF", StringComparison.OrdinalIgnoreCase) || t.Equals("+INF", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }
        if (t.Equals("-INF", StringComparison.OrdinalIgnoreCase))
        {
            return double.NegativeInfinity;
        }
        return double.NaN;
    }

    private static bool IsNaNText(string s)
    {
        var t = s.Trim();
        return t.Equals("NaN", StringComparison.OrdinalIgnoreCase) || t.Equals("+NaN", StringComparison.OrdinalIgnoreCase)
            || t.Equals("-NaN", StringComparison.OrdinalIgnoreCase);
    }

    private static AxonModelException Bad(string s, DType to) =>
        new($"cannot cast the string \"{s}\" to {to.OnnxName()}: it is not a number", "AXON110");
}
