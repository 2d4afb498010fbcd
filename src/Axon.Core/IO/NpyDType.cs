using System.Globalization;

namespace Axon.IO;

/// <summary>A NumPy array-protocol type string (<c>&lt;f4</c>, <c>|b1</c>, <c>&gt;U7</c>) mapped onto an Axon dtype.</summary>
internal readonly record struct NpyDType(DType DType, char Kind, int ItemSize, bool BigEndian)
{
    /// <summary>Longest fixed-width string element accepted (in characters), so a header cannot request absurd item sizes.</summary>
    public const int MaxStringChars = 1 << 24;

    public static NpyDType Parse(string descr)
    {
        if (descr.Length < 2)
        {
            throw NpyHeader.Bad($"dtype '{descr}' is too short");
        }
        char order = descr[0];
        string rest = descr;
        bool big = false;
        if (order is '<' or '>' or '|' or '=')
        {
            big = order == '>';
            rest = descr[1..];
        }
        char kind = rest[0];
        string sizeText = rest[1..];
        if (kind == 'O')
        {
            throw NpyHeader.Bad("object arrays (pickled Python objects) are not supported");
        }
        if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out int size))
        {
            throw NpyHeader.Bad($"dtype '{descr}' is not supported");
        }
        if (kind is 'U' or 'S')
        {
            if (size < 0 || size > MaxStringChars)
            {
                throw NpyHeader.Bad($"string dtype '{descr}' has an unsupported width (at most {MaxStringChars})");
            }
            return new NpyDType(DType.String, kind, kind == 'U' ? size * 4 : size, big);
        }
        DType dt = (kind, size) switch
        {
            ('f', 2) => DType.Float16,
            ('f', 4) => DType.Float32,
            ('f', 8) => DType.Float64,
            ('i', 1) => DType.Int8,
            ('i', 2) => DType.Int16,
            ('i', 4) => DType.Int32,
            ('i', 8) => DType.Int64,
            ('u', 1) => DType.UInt8,
            ('u', 2) => DType.UInt16,
            ('u', 4) => DType.UInt32,
            ('u', 8) => DType.UInt64,
            ('b', 1) => DType.Bool,
            _ => throw NpyHeader.Bad($"dtype '{descr}' is not supported (supported: f2 f4 f8 i1-i8 u1-u8 b1 U S)"),
        };
        return new NpyDType(dt, kind, size, big);
    }

    /// <summary>The descr NumPy itself writes for a dtype on a little-endian machine.</summary>
    public static string DescrFor(DType t) => TryDescrFor(t, out string d)
        ? d
        : throw new AxonInputException($".npy: NumPy has no standard dtype for {t.OnnxName()} tensors", "AXON212");

    public static bool TryDescrFor(DType t, out string descr)
    {
        descr = Descr(t);
        return descr.Length > 0;
    }

    private static string Descr(DType t) => t switch
    {
        DType.Float16 => "<f2",
        DType.Float32 => "<f4",
        DType.Float64 => "<f8",
        DType.Int8 => "|i1",
        DType.Int16 => "<i2",
        DType.Int32 => "<i4",
        DType.Int64 => "<i8",
        DType.UInt8 => "|u1",
        DType.UInt16 => "<u2",
        DType.UInt32 => "<u4",
        DType.UInt64 => "<u8",
        DType.Bool => "|b1",
        _ => "",
    };
}
