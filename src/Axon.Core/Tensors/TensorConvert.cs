namespace Axon;

/// <summary>
/// Dtype-generic element access: bulk conversion to and from double and int64. The reference executor computes in these
/// wide types so one clear loop serves every dtype; the switch on dtype sits outside the element loop.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>All elements widened to double (bool as 0/1, every float format decoded).</summary>
    public double[] ToDoubles()
    {
        var r = new double[Length];
        switch (DType)
        {
            case DType.Float32: Widen(Span<float>(), r, v => v); break;
            case DType.Float64: Span<double>().CopyTo(r); break;
            case DType.Float16: Widen(Span<Half>(), r, v => (double)v); break;
            case DType.BFloat16: Widen(Span<BFloat16>(), r, v => v.ToFloat()); break;
            case DType.Int8: case DType.Int4: case DType.Int2: Widen(Span<sbyte>(), r, v => v); break;
            case DType.Int16: Widen(Span<short>(), r, v => v); break;
            case DType.Int32: Widen(Span<int>(), r, v => v); break;
            case DType.Int64: Widen(Span<long>(), r, v => v); break;
            case DType.UInt8: case DType.UInt4: case DType.UInt2: Widen(Span<byte>(), r, v => v); break;
            case DType.UInt16: Widen(Span<ushort>(), r, v => v); break;
            case DType.UInt32: Widen(Span<uint>(), r, v => v); break;
            case DType.UInt64: Widen(Span<ulong>(), r, v => v); break;
            case DType.Bool: Widen(Span<bool>(), r, v => v ? 1 : 0); break;
            case DType.Float8E4M3FN: case DType.Float8E4M3FNUZ: case DType.Float8E5M2: case DType.Float8E5M2FNUZ: case DType.Float4E2M1:
                var mf = MiniFormat(DType);
                Widen(Span<byte>(), r, v => mf.Decode(v));
                break;
            case DType.Float8E8M0: Widen(Span<byte>(), r, Float8E8M0.Decode); break;
            default: throw new AxonException($"cannot read {DType.OnnxName()} elements as numbers");
        }
        return r;
    }

    /// <summary>All elements as int64 (floats truncated toward zero, uint64 reinterpreted bit for bit).</summary>
    public long[] ToInt64s()
    {
        var r = new long[Length];
        switch (DType)
        {
            case DType.Int8: case DType.Int4: case DType.Int2: Widen(Span<sbyte>(), r, v => v); break;
            case DType.Int16: Widen(Span<short>(), r, v => v); break;
            case DType.Int32: Widen(Span<int>(), r, v => v); break;
            case DType.Int64: Span<long>().CopyTo(r); break;
            case DType.UInt8: case DType.UInt4: case DType.UInt2: Widen(Span<byte>(), r, v => v); break;
            case DType.UInt16: Widen(Span<ushort>(), r, v => v); break;
            case DType.UInt32: Widen(Span<uint>(), r, v => v); break;
            case DType.UInt64: Widen(Span<ulong>(), r, v => unchecked((long)v)); break;
            case DType.Bool: Widen(Span<bool>(), r, v => v ? 1 : 0); break;
            default:
                var d = ToDoubles();
                for (int i = 0; i < d.Length; i++)
                {
                    r[i] = double.IsNaN(d[i]) ? 0 : (long)d[i];
                }
                break;
        }
        return r;
    }

    /// <summary>
    /// A new tensor of <paramref name="dtype"/> from doubles, as Cast converts: floats round to nearest even once from the
    /// double (float8 saturating, float8e8m0 rounding up), integers truncate toward zero (NaN gives 0, out-of-range values
    /// saturate to the int64 range) and then keep their low bits like <see cref="FromInt64s"/> (-9 to int4 is 7).
    /// </summary>
    public static Tensor FromDoubles(DType dtype, ReadOnlySpan<double> values, params int[] shape)
    {
        var t = CreateUninitialized(dtype, shape);
        if (t.Length != values.Length)
        {
            throw new AxonException($"{values.Length} values do not fill shape [{string.Join(",", shape)}]", "AXON013");
        }
        switch (dtype)
        {
            case DType.Float32: Narrow(values, t.Span<float>(), v => (float)v); break;
            case DType.Float64: values.CopyTo(t.Span<double>()); break;
            case DType.Float16: Narrow(values, t.Span<Half>(), v => (Half)v); break;
            case DType.BFloat16: Narrow(values, t.Span<BFloat16>(), BFloat16.FromDouble); break;
            case DType.Int8: Narrow(values, t.Span<sbyte>(), v => (sbyte)ToInt(v)); break;
            case DType.Int16: Narrow(values, t.Span<short>(), v => (short)ToInt(v)); break;
            case DType.Int32: Narrow(values, t.Span<int>(), v => (int)ToInt(v)); break;
            case DType.Int64: Narrow(values, t.Span<long>(), ToInt); break;
            case DType.UInt8: Narrow(values, t.Span<byte>(), v => (byte)ToInt(v)); break;
            case DType.UInt16: Narrow(values, t.Span<ushort>(), v => (ushort)ToInt(v)); break;
            case DType.UInt32: Narrow(values, t.Span<uint>(), v => (uint)ToInt(v)); break;
            case DType.UInt64: Narrow(values, t.Span<ulong>(), v => v >= 9.2233720368547758E18 ? (ulong)v : unchecked((ulong)ToInt(v))); break;
            case DType.Bool: Narrow(values, t.Span<bool>(), v => v != 0); break;
            case DType.Int4: Narrow(values, t.Span<sbyte>(), v => LowBitsSigned(ToInt(v), 4)); break;
            case DType.UInt4: Narrow(values, t.Span<byte>(), v => (byte)(ToInt(v) & 0xF)); break;
            case DType.Int2: Narrow(values, t.Span<sbyte>(), v => LowBitsSigned(ToInt(v), 2)); break;
            case DType.UInt2: Narrow(values, t.Span<byte>(), v => (byte)(ToInt(v) & 0x3)); break;
            case DType.Float8E4M3FN: case DType.Float8E4M3FNUZ: case DType.Float8E5M2: case DType.Float8E5M2FNUZ: case DType.Float4E2M1:
                var mf = MiniFormat(dtype);
                Narrow(values, t.Span<byte>(), v => (byte)mf.Encode(v, true));
                break;
            case DType.Float8E8M0: Narrow(values, t.Span<byte>(), v => Float8E8M0.Encode(v)); break;
            default: throw new AxonException($"cannot write numbers as {dtype.OnnxName()}");
        }
        return t;
    }

    /// <summary>A new integer (or bool) tensor from int64 values, keeping the low bits like Cast (200 to int8 is -56, -9 to int4 is 7); other dtypes convert the values as numbers.</summary>
    public static Tensor FromInt64s(DType dtype, ReadOnlySpan<long> values, params int[] shape)
    {
        if (dtype == DType.Float32)
        {
            // Straight from int64 to float32 (correctly rounded), not through double, so large values round once.
            var f = CreateUninitialized(dtype, shape);
            if (f.Length != values.Length)
            {
                throw new AxonException($"{values.Length} values do not fill shape [{string.Join(",", shape)}]", "AXON013");
            }
            Narrow(values, f.Span<float>(), v => (float)v);
            return f;
        }
        if (!dtype.IsInteger() && dtype != DType.Bool)
        {
            var d = new double[values.Length];
            for (int i = 0; i < d.Length; i++)
            {
                d[i] = values[i];
            }
            return FromDoubles(dtype, d, shape);
        }
        var t = CreateUninitialized(dtype, shape);
        if (t.Length != values.Length)
        {
            throw new AxonException($"{values.Length} values do not fill shape [{string.Join(",", shape)}]", "AXON013");
        }
        switch (dtype)
        {
            case DType.Int8: Narrow(values, t.Span<sbyte>(), v => unchecked((sbyte)v)); break;
            case DType.Int4: Narrow(values, t.Span<sbyte>(), v => LowBitsSigned(v, 4)); break;
            case DType.Int2: Narrow(values, t.Span<sbyte>(), v => LowBitsSigned(v, 2)); break;
            case DType.Int16: Narrow(values, t.Span<short>(), v => unchecked((short)v)); break;
            case DType.Int32: Narrow(values, t.Span<int>(), v => unchecked((int)v)); break;
            case DType.Int64: values.CopyTo(t.Span<long>()); break;
            case DType.UInt8: Narrow(values, t.Span<byte>(), v => unchecked((byte)v)); break;
            case DType.UInt4: Narrow(values, t.Span<byte>(), v => (byte)(v & 0xF)); break;
            case DType.UInt2: Narrow(values, t.Span<byte>(), v => (byte)(v & 0x3)); break;
            case DType.UInt16: Narrow(values, t.Span<ushort>(), v => unchecked((ushort)v)); break;
            case DType.UInt32: Narrow(values, t.Span<uint>(), v => unchecked((uint)v)); break;
            case DType.UInt64: Narrow(values, t.Span<ulong>(), v => unchecked((ulong)v)); break;
            case DType.Bool: Narrow(values, t.Span<bool>(), v => v != 0); break;
        }
        return t;
    }

    /// <summary>Element <paramref name="i"/> widened to double.</summary>
    public double GetDouble(int i) => DType switch
    {
        DType.Float32 => Span<float>()[i],
        DType.Float64 => Span<double>()[i],
        DType.Int64 => Span<long>()[i],
        DType.Int32 => Span<int>()[i],
        _ => SliceFlat(i).ToDoubles()[0],
    };

    /// <summary>Element <paramref name="i"/> as int64.</summary>
    public long GetInt64(int i) => DType switch
    {
        DType.Int64 => Span<long>()[i],
        DType.Int32 => Span<int>()[i],
        _ => SliceFlat(i).ToInt64s()[0],
    };

    private Tensor SliceFlat(int i) => Reshape(Length).SliceOuter(i, 1);

    internal static MiniFloat MiniFormat(DType t) => t switch
    {
        DType.Float8E4M3FN => MiniFloat.E4M3FN,
        DType.Float8E4M3FNUZ => MiniFloat.E4M3FNUZ,
        DType.Float8E5M2 => MiniFloat.E5M2,
        DType.Float8E5M2FNUZ => MiniFloat.E5M2FNUZ,
        DType.Float4E2M1 => MiniFloat.E2M1,
        _ => throw new AxonException($"{t} is not a small float format"),
    };

    /// <summary>The low <paramref name="bits"/> bits of v, sign-extended (two's complement).</summary>
    private static sbyte LowBitsSigned(long v, int bits)
    {
        long mask = (1L << bits) - 1;
        long sign = 1L << (bits - 1);
        return (sbyte)(((v & mask) ^ sign) - sign);
    }

    private static long ToInt(double v)
    {
        if (double.IsNaN(v))
        {
            return 0;
        }
        if (v >= 9.2233720368547758E18)
        {
            return long.MaxValue;
        }
        if (v <= -9.2233720368547758E18)
        {
            return long.MinValue;
        }
        return (long)v;
    }

    private static void Widen<TIn, TOut>(ReadOnlySpan<TIn> src, Span<TOut> dst, Func<TIn, TOut> f)
    {
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = f(src[i]);
        }
    }

    private static void Narrow<TIn, TOut>(ReadOnlySpan<TIn> src, Span<TOut> dst, Func<TIn, TOut> f)
    {
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = f(src[i]);
        }
    }
}
