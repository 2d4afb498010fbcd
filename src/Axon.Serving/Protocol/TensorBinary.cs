using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Axon.Serving.Protocol;

/// <summary>
/// Tensor data as raw bytes (the binary tensor data extension and gRPC's raw contents): little-endian, row-major, no
/// padding; BOOL one byte 0/1; BYTES each element a 4-byte little-endian length and then its bytes.
/// </summary>
internal static class TensorBinary
{
    public static Tensor Decode(ReadOnlySpan<byte> bytes, DType dtype, int[] shape, string what)
    {
        long count = Shapes.Count(shape);
        if (dtype == DType.String)
        {
            var strings = new string[count];
            int pos = 0;
            for (long i = 0; i < count; i++)
            {
                if (bytes.Length - pos < 4)
                {
                    throw Bad(what, $"element {i} of {count} has no 4-byte length prefix (the data ends at byte {bytes.Length})");
                }
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(bytes[pos..]);
                pos += 4;
                if (len > bytes.Length - pos)
                {
                    throw Bad(what, $"element {i} claims {len} bytes but only {bytes.Length - pos} remain");
                }
                try
                {
                    strings[i] = TensorJson.Utf8.GetString(bytes.Slice(pos, (int)len));
                }
                catch (DecoderFallbackException)
                {
                    throw Bad(what, $"element {i} is not valid UTF-8 (Axon keeps BYTES elements as text)");
                }
                pos += (int)len;
            }
            if (pos != bytes.Length)
            {
                throw Bad(what, $"{bytes.Length - pos} bytes left over after {count} elements");
            }
            return Tensor.FromStrings(strings, shape);
        }
        long need = count * dtype.SizeOf();
        if (bytes.Length != need)
        {
            throw Bad(what, $"{bytes.Length} bytes given but {Datatypes.Name(dtype)} shape {Shapes.Text(shape.Select(d => (long)d))} needs {need}");
        }
        var t = Tensor.FromBytes(dtype, bytes, shape);
        if (dtype == DType.Bool)
        {
            foreach (byte b in t.Bytes)
            {
                if (b > 1)
                {
                    throw Bad(what, $"a BOOL element is {b}; BOOL bytes must be 0 or 1");
                }
            }
        }
        return t;
    }

    /// <summary>The encoded size of a tensor.</summary>
    public static long Size(Tensor t)
    {
        if (t.DType != DType.String)
        {
            return t.ByteLength;
        }
        long n = 0;
        foreach (var s in t.Strings)
        {
            n += 4 + Encoding.UTF8.GetByteCount(s);
        }
        return n;
    }

    public static void Write(IBufferWriter<byte> w, Tensor t)
    {
        if (t.DType != DType.String)
        {
            var src = t.Bytes;
            while (src.Length > 0)
            {
                var dst = w.GetSpan(Math.Min(src.Length, 1 << 16));
                int n = Math.Min(dst.Length, src.Length);
                src[..n].CopyTo(dst);
                w.Advance(n);
                src = src[n..];
            }
            return;
        }
        foreach (var s in t.Strings)
        {
            int len = Encoding.UTF8.GetByteCount(s);
            var dst = w.GetSpan(4 + len);
            BinaryPrimitives.WriteUInt32LittleEndian(dst, (uint)len);
            Encoding.UTF8.GetBytes(s, dst[4..]);
            w.Advance(4 + len);
        }
    }

    public static byte[] ToArray(Tensor t)
    {
        var buf = new ArrayBufferWriter<byte>((int)Math.Max(1, Size(t)));
        Write(buf, t);
        return buf.WrittenSpan.ToArray();
    }

    private static ServingException Bad(string what, string message) =>
        ServingException.BadRequest(ServingCodes.BadBinary, $"{what}: {message}");
}
