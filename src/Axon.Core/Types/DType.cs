namespace Axon;

/// <summary>Element types. The numeric values are ONNX's <c>TensorProto.DataType</c> codes so that import and export are a cast.</summary>
public enum DType
{
    Undefined = 0,
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
    Float8E8M0 = 24,
    UInt2 = 25,
    Int2 = 26,
}

/// <summary>Facts about each <see cref="DType"/>: size, name, numeric class.</summary>
public static class DTypeInfo
{
    /// <summary>Bytes per element in Axon's in-memory layout (4-bit and 2-bit types are stored one per byte).</summary>
    public static int SizeOf(this DType t) => t switch
    {
        DType.Float32 => 4,
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.UInt16 or DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.UInt32 => 4,
        DType.Int64 or DType.UInt64 or DType.Float64 => 8,
        DType.Complex64 => 8,
        DType.Complex128 => 16,
        DType.Float8E4M3FN or DType.Float8E4M3FNUZ or DType.Float8E5M2 or DType.Float8E5M2FNUZ => 1,
        DType.UInt4 or DType.Int4 or DType.Float4E2M1 => 1,
        DType.Float8E8M0 or DType.UInt2 or DType.Int2 => 1,
        DType.String => 0,
        _ => throw new AxonException($"dtype {t} has no element size"),
    };

    public static bool IsFloat(this DType t) => t is DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16
        or DType.Float8E4M3FN or DType.Float8E4M3FNUZ or DType.Float8E5M2 or DType.Float8E5M2FNUZ or DType.Float4E2M1
        or DType.Float8E8M0;

    public static bool IsSignedInt(this DType t) => t is DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64 or DType.Int4 or DType.Int2;

    public static bool IsUnsignedInt(this DType t) => t is DType.UInt8 or DType.UInt16 or DType.UInt32 or DType.UInt64 or DType.UInt4 or DType.UInt2;

    public static bool IsInteger(this DType t) => t.IsSignedInt() || t.IsUnsignedInt();

    /// <summary>True for every type the reference executor computes on as a number (ints, floats, bool).</summary>
    public static bool IsNumeric(this DType t) => t.IsFloat() || t.IsInteger() || t == DType.Bool;

    /// <summary>Lower-case name as ONNX spells it in type strings (<c>tensor(float)</c>).</summary>
    public static string OnnxName(this DType t) => t switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.UInt8 => "uint8",
        DType.UInt16 => "uint16",
        DType.UInt32 => "uint32",
        DType.UInt64 => "uint64",
        DType.Bool => "bool",
        DType.String => "string",
        DType.Complex64 => "complex64",
        DType.Complex128 => "complex128",
        DType.Float8E4M3FN => "float8e4m3fn",
        DType.Float8E4M3FNUZ => "float8e4m3fnuz",
        DType.Float8E5M2 => "float8e5m2",
        DType.Float8E5M2FNUZ => "float8e5m2fnuz",
        DType.UInt4 => "uint4",
        DType.Int4 => "int4",
        DType.Float4E2M1 => "float4e2m1",
        DType.Float8E8M0 => "float8e8m0",
        DType.UInt2 => "uint2",
        DType.Int2 => "int2",
        _ => "undefined",
    };

    /// <summary>Short name used in Axon's IR text and CLI output (<c>f32</c>, <c>i64</c>).</summary>
    public static string ShortName(this DType t) => t switch
    {
        DType.Float32 => "f32",
        DType.Float64 => "f64",
        DType.Float16 => "f16",
        DType.BFloat16 => "bf16",
        DType.Int8 => "i8",
        DType.Int16 => "i16",
        DType.Int32 => "i32",
        DType.Int64 => "i64",
        DType.UInt8 => "u8",
        DType.UInt16 => "u16",
        DType.UInt32 => "u32",
        DType.UInt64 => "u64",
        DType.Bool => "bool",
        DType.String => "str",
        _ => t.OnnxName(),
    };

    /// <summary>Parses a short or ONNX name back to a <see cref="DType"/>.</summary>
    public static bool TryParse(string name, out DType t)
    {
        foreach (DType d in Enum.GetValues<DType>())
        {
            if (d == DType.Undefined)
            {
                continue;
            }
            if (string.Equals(d.ShortName(), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(d.OnnxName(), name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(d.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                t = d;
                return true;
            }
        }
        t = DType.Undefined;
        return false;
    }

    /// <summary>The CLR element type Axon stores a dtype as, or null for string.</summary>
    public static Type? ClrType(this DType t) => t switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Float16 => typeof(Half),
        DType.BFloat16 => typeof(BFloat16),
        DType.Int8 or DType.Int4 or DType.Int2 => typeof(sbyte),
        DType.Int16 => typeof(short),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.UInt8 or DType.UInt4 or DType.UInt2 => typeof(byte),
        DType.UInt16 => typeof(ushort),
        DType.UInt32 => typeof(uint),
        DType.UInt64 => typeof(ulong),
        DType.Bool => typeof(bool),
        DType.Float8E4M3FN => typeof(Float8E4M3FN),
        DType.Float8E4M3FNUZ => typeof(Float8E4M3FNUZ),
        DType.Float8E5M2 => typeof(Float8E5M2),
        DType.Float8E5M2FNUZ => typeof(Float8E5M2FNUZ),
        DType.Float4E2M1 => typeof(Float4E2M1),
        DType.Float8E8M0 => typeof(Float8E8M0),
        _ => null,
    };

    /// <summary>The <see cref="DType"/> for a CLR element type.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(Half)) return DType.Float16;
        if (typeof(T) == typeof(BFloat16)) return DType.BFloat16;
        if (typeof(T) == typeof(sbyte)) return DType.Int8;
        if (typeof(T) == typeof(short)) return DType.Int16;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(byte)) return DType.UInt8;
        if (typeof(T) == typeof(ushort)) return DType.UInt16;
        if (typeof(T) == typeof(uint)) return DType.UInt32;
        if (typeof(T) == typeof(ulong)) return DType.UInt64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        if (typeof(T) == typeof(Float8E4M3FN)) return DType.Float8E4M3FN;
        if (typeof(T) == typeof(Float8E4M3FNUZ)) return DType.Float8E4M3FNUZ;
        if (typeof(T) == typeof(Float8E5M2)) return DType.Float8E5M2;
        if (typeof(T) == typeof(Float8E5M2FNUZ)) return DType.Float8E5M2FNUZ;
        if (typeof(T) == typeof(Float4E2M1)) return DType.Float4E2M1;
        if (typeof(T) == typeof(Float8E8M0)) return DType.Float8E8M0;
        throw new AxonException($"no Axon dtype for CLR type {typeof(T).Name}");
    }
}
