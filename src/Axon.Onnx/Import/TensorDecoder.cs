using System.Runtime.InteropServices;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx.Import;

/// <summary>
/// Turns a <c>TensorProto</c> into a <see cref="Tensor"/>. Every declared size is checked against the bytes actually
/// present before anything is allocated, so a hostile file cannot make Axon allocate more than the file justifies.
/// </summary>
internal static class TensorDecoder
{
    public static Tensor Decode(TensorProto p, ExternalDataResolver? external, string what)
    {
        string label = p.Name.Length > 0 ? $"tensor '{p.Name}'" : what;
        var dtype = (DType)p.DataType;
        if (!Enum.IsDefined(dtype) || dtype == DType.Undefined || dtype is DType.Complex64 or DType.Complex128)
        {
            throw new AxonModelException($"{label}: unsupported data type {p.DataType}", "AXON130");
        }
        var shape = new int[p.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = p.Dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw new AxonModelException($"{label}: dimension {i} is {d}", "AXON131");
            }
            shape[i] = (int)d;
            count *= d;
            if (count > int.MaxValue)
            {
                throw new AxonModelException($"{label}: shape [{string.Join(",", p.Dims)}] has too many elements", "AXON131");
            }
        }
        int n = (int)count;

        if (p.DataLocation == TensorProto.Types.DataLocation.External)
        {
            if (external is null)
            {
                throw new AxonModelException($"{label}: stored in an external file, but the model was not loaded from a folder", "AXON132");
            }
            var bytes = external.Read(p, label, PackedByteLength(dtype, n));
            return FromPacked(dtype, bytes, shape, label);
        }

        if (dtype == DType.String)
        {
            if (p.StringData.Count != n)
            {
                throw new AxonModelException($"{label}: declares {n} strings but holds {p.StringData.Count}", "AXON133");
            }
            return Tensor.FromStrings(p.StringData.Select(s => s.ToStringUtf8()).ToArray(), shape);
        }

        if (!p.RawData.IsEmpty || HasNoTypedData(p))
        {
            long need = PackedByteLength(dtype, n);
            if (p.RawData.Length != need)
            {
                throw new AxonModelException($"{label}: declares shape [{string.Join(",", shape)}] of {dtype.OnnxName()} ({need} bytes) but raw_data holds {p.RawData.Length} bytes", "AXON133");
            }
            return FromPacked(dtype, p.RawData.Span, shape, label);
        }

        switch (dtype)
        {
            case DType.Float32:
                Expect(p.FloatData.Count, n, label);
                return Tensor.FromArray(p.FloatData.ToArray(), shape);
            case DType.Float64:
                Expect(p.DoubleData.Count, n, label);
                return Tensor.FromArray(p.DoubleData.ToArray(), shape);
            case DType.Int64:
                Expect(p.Int64Data.Count, n, label);
                return Tensor.FromArray(p.Int64Data.ToArray(), shape);
            case DType.UInt32:
            case DType.UInt64:
                Expect(p.Uint64Data.Count, n, label);
                return Tensor.FromInt64s(dtype, p.Uint64Data.Select(v => unchecked((long)v)).ToArray(), shape);
            case DType.Int4:
            case DType.UInt4:
            case DType.Float4E2M1:
                {
                    Expect(p.Int32Data.Count, (n + 1) / 2, label);
                    var packed = p.Int32Data.Select(v => (byte)v).ToArray();
                    return FromPacked(dtype, packed, shape, label);
                }
            case DType.Int2:
            case DType.UInt2:
                {
                    Expect(p.Int32Data.Count, (n + 3) / 4, label);
                    var packed = p.Int32Data.Select(v => (byte)v).ToArray();
                    return FromPacked(dtype, packed, shape, label);
                }
            case DType.Float16:
            case DType.BFloat16:
                {
                    Expect(p.Int32Data.Count, n, label);
                    var t = Tensor.CreateUninitialized(dtype, shape);
                    var s = t.Span<ushort>();
                    for (int i = 0; i < n; i++)
                    {
                        s[i] = (ushort)p.Int32Data[i];
                    }
                    return t;
                }
            case DType.Float8E4M3FN:
            case DType.Float8E4M3FNUZ:
            case DType.Float8E5M2:
            case DType.Float8E5M2FNUZ:
            case DType.Float8E8M0:
                {
                    Expect(p.Int32Data.Count, n, label);
                    var t = Tensor.CreateUninitialized(dtype, shape);
                    var s = t.Span<byte>();
                    for (int i = 0; i < n; i++)
                    {
                        s[i] = (byte)p.Int32Data[i];
                    }
                    return t;
                }
            default:
                // int8/16/32, uint8/16, bool: one element per int32_data entry.
                Expect(p.Int32Data.Count, n, label);
                return Tensor.FromInt64s(dtype, p.Int32Data.Select(v => (long)v).ToArray(), shape);
        }
    }

    private static bool HasNoTypedData(TensorProto p) =>
        p.FloatData.Count == 0 && p.Int32Data.Count == 0 && p.Int64Data.Count == 0 && p.DoubleData.Count == 0
        && p.Uint64Data.Count == 0 && p.StringData.Count == 0;

    private static void Expect(int have, int need, string label)
    {
        if (have != need)
        {
            throw new AxonModelException($"{label}: declares {need} elements but holds {have}", "AXON133");
        }
    }

    /// <summary>Bytes of the on-disk (raw_data) form: 4-bit types pack two per byte, 2-bit types four per byte.</summary>
    public static long PackedByteLength(DType dtype, int n) => dtype switch
    {
        DType.Int4 or DType.UInt4 or DType.Float4E2M1 => (n + 1) / 2,
        DType.Int2 or DType.UInt2 => (n + 3) / 4,
        _ => (long)n * dtype.SizeOf(),
    };

    /// <summary>Builds a tensor from little-endian raw bytes, unpacking 4-bit and 2-bit types to one element per byte (low bits first).</summary>
    public static Tensor FromPacked(DType dtype, ReadOnlySpan<byte> bytes, int[] shape, string label)
    {
        if (dtype is DType.Int2 or DType.UInt2)
        {
            var t = Tensor.CreateUninitialized(dtype, shape);
            var s = t.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                int v = (bytes[i / 4] >> (2 * (i & 3))) & 0x3;
                s[i] = dtype == DType.Int2 ? (byte)(sbyte)((v ^ 2) - 2) : (byte)v;
            }
            return t;
        }
        if (dtype is DType.Int4 or DType.UInt4 or DType.Float4E2M1)
        {
            var t = Tensor.CreateUninitialized(dtype, shape);
            var s = t.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                int nib = (bytes[i / 2] >> (4 * (i & 1))) & 0xF;
                s[i] = dtype == DType.Int4 ? (byte)(sbyte)((nib ^ 8) - 8) : (byte)nib;
            }
            return t;
        }
        if (dtype == DType.Bool)
        {
            var t = Tensor.CreateUninitialized(dtype, shape);
            var s = t.Span<byte>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = bytes[i] != 0 ? (byte)1 : (byte)0;
            }
            return t;
        }
        if (!BitConverter.IsLittleEndian)
        {
            throw new AxonModelException($"{label}: big-endian hosts are not supported", "AXON134");
        }
        return Tensor.FromBytes(dtype, bytes, shape);
    }

    /// <summary>Encodes a tensor as a <c>TensorProto</c> with raw_data (strings in string_data).</summary>
    public static TensorProto Encode(Tensor t, string name)
    {
        var p = new TensorProto { Name = name, DataType = (int)t.DType };
        p.Dims.AddRange(t.Shape.Select(d => (long)d));
        if (t.DType == DType.String)
        {
            foreach (var s in t.Strings)
            {
                p.StringData.Add(ByteString.CopyFromUtf8(s));
            }
            return p;
        }
        if (t.DType is DType.Int4 or DType.UInt4 or DType.Float4E2M1)
        {
            var src = t.Span<byte>();
            var packed = new byte[(src.Length + 1) / 2];
            for (int i = 0; i < src.Length; i++)
            {
                packed[i / 2] |= (byte)((src[i] & 0xF) << (4 * (i & 1)));
            }
            p.RawData = ByteString.CopyFrom(packed);
            return p;
        }
        if (t.DType is DType.Int2 or DType.UInt2)
        {
            var src = t.Span<byte>();
            var packed = new byte[(src.Length + 3) / 4];
            for (int i = 0; i < src.Length; i++)
            {
                packed[i / 4] |= (byte)((src[i] & 0x3) << (2 * (i & 3)));
            }
            p.RawData = ByteString.CopyFrom(packed);
            return p;
        }
        p.RawData = ByteString.CopyFrom(t.Bytes);
        return p;
    }
}
