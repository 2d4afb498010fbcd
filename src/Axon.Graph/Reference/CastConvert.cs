using System.Globalization;

namespace Axon.Graph.Reference;

/// <summary>
/// Value conversion between every pair of ONNX dtypes, as Cast specifies: floats round to nearest even (float8 saturating
/// unless told otherwise), floats truncate toward zero into integers, integers keep their low bits when narrowed, and
/// strings parse and print plain or scientific decimal with "INF", "-INF" and "NaN" for the special values.
/// </summary>
internal static class CastConvert
{
    public static Tensor Convert(Tensor x, DType to, bool saturate, E8M0Rounding e8m0Rounding = E8M0Rounding.Up)
    {
        if (to == DType.String)
        {
            return ToStrings(x);
        }
        if (x.DType == DType.String)
        {
            return FromStrings(x.Strings, to, x.Shape, saturate, e8m0Rounding);
        }
        if (x.DType == to)
        {
            return x.Clone();
        }
        bool exactInts = (x.DType.IsInteger() && x.DType != DType.UInt64) || x.DType == DType.Bool;
        if ((x.DType.IsInteger() || x.DType == DType.Bool) && (to.IsInteger() || to == DType.Bool))
        {
            // Integers and bools: exact in int64 (uint64 bit for bit); narrowing keeps the low bits.
            return Tensor.FromInt64s(to, x.ToInt64s(), x.Shape);
        }
        if (exactInts && to == DType.Float32)
        {
            // Straight from int64 to float32, avoiding a second rounding through double.
            return Tensor.FromInt64s(to, x.ToInt64s(), x.Shape);
        }
        return FromDoubles(x.ToDoubles(), to, saturate, e8m0Rounding, x.Shape);
    }

    /// <summary>Cast's and CastLike's float8 attributes: <c>saturate</c> (opset 19+) and <c>round_mode</c> for float8e8m0 (opset 25+).</summary>
    public static (bool Saturate, E8M0Rounding Rounding) Float8Options(OpContext ctx)
    {
        bool saturate = ctx.Opset < 19 || ctx.Int("saturate", 1) != 0;
        string mode = ctx.String("round_mode", "up");
        if (!Float8E8M0.TryParseRounding(mode, out var rounding))
        {
            throw ctx.Error($"round_mode must be \"up\", \"down\" or \"nearest\", not \"{mode}\"");
        }
        return (saturate, rounding);
    }

    /// <summary>
    /// Doubles to any numeric dtype as Cast converts them. <see cref="Tensor.FromDoubles"/> already rounds once, truncates
    /// into integers and saturates float8; only the non-default float8 modes (no saturation, another e8m0 rounding) need
    /// their own loop here.
    /// </summary>
    public static Tensor FromDoubles(double[] d, DType to, bool saturate, E8M0Rounding e8m0Rounding, int[] shape)
    {
        if (to == DType.Float8E8M0 && (!saturate || e8m0Rounding != E8M0Rounding.Up))
        {
            var r = Tensor.CreateUninitialized(to, shape);
            var s = r.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = Float8E8M0.Encode(d[i], saturate, e8m0Rounding);
            }
            return r;
        }
        if (!saturate && to is DType.Float8E4M3FN or DType.Float8E4M3FNUZ or DType.Float8E5M2 or DType.Float8E5M2FNUZ)
        {
            var mf = Mini(to);
            var r = Tensor.CreateUninitialized(to, shape);
            var s = r.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (byte)mf.Encode(d[i], saturate: false);
            }
            return r;
        }
        if (!to.IsNumeric())
        {
            throw new AxonUnsupportedException($"Cast to {to.OnnxName()} is not supported");
        }
        return Tensor.FromDoubles(to, d, shape);
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

    private static Tensor FromStrings(ReadOnlySpan<string> s, DType to, int[] shape, bool saturate, E8M0Rounding e8m0Rounding)
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
                    // Truncates toward zero (the spec leaves non-integral text undefined); NaN gives 0.
                    v[i] = to == DType.Bool ? (d != 0 ? 1 : 0) : double.IsNaN(d) ? 0 : (long)d;
                }
            }
            return Tensor.FromInt64s(to, v, shape);
        }
        var dd = new double[s.Length];
        for (int i = 0; i < dd.Length; i++)
        {
            dd[i] = ParseDouble(s[i], to);
        }
        return FromDoubles(dd, to, saturate, e8m0Rounding, shape);
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
