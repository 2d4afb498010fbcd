using System.Buffers.Binary;
using System.Text;

namespace Axon.IO;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files.
/// <para>Layout: magic <c>\x93NUMPY</c>; major and minor version bytes; header length (uint16 little-endian in version
/// 1.0, uint32 in 2.0 and 3.0); the header, a Python dict literal (latin-1, UTF-8 in 3.0) padded with spaces and ending
/// in <c>\n</c> so that the data starts at a multiple of 64 bytes; then the elements in C (row-major) or Fortran order.</para>
/// <para>Every length read from a file is checked against limits and against the bytes actually present before anything
/// is allocated: a corrupt or hostile file raises <see cref="AxonInputException"/> naming the problem.</para>
/// Supported element types: <c>f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1</c> in either byte order, and the string types
/// <c>U</c> (UTF-32) and <c>S</c> (bytes, read as UTF-8).
/// </summary>
public static class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int Align = 64;
    private const int ChunkBytes = 1 << 20;

    /// <summary>True when NumPy has a standard dtype for <paramref name="t"/>, so <see cref="Write(Stream, Tensor)"/> can store it.</summary>
    public static bool CanWrite(DType t) => t == DType.String || NpyDType.TryDescrFor(t, out _);

    /// <summary>Reads a <c>.npy</c> file.</summary>
    public static Tensor Read(string path)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return Read(fs, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AxonInputException($"cannot read '{path}': {e.Message}", "AXON203", e);
        }
    }

    /// <summary>Reads one array from the current position of <paramref name="stream"/>.</summary>
    public static Tensor Read(Stream stream) => Read(stream, null);

    private static Tensor Read(Stream s, string? path)
    {
        string where = path is null ? "" : $" ('{path}')";
        Span<byte> pre = stackalloc byte[8];
        if (ReadUpTo(s, pre) < 8 || !pre[..6].SequenceEqual(Magic))
        {
            throw NpyHeader.Bad($"not a NumPy array file{where}: the magic string \\x93NUMPY is missing");
        }
        int major = pre[6], minor = pre[7];
        if (major is not (1 or 2 or 3) || minor != 0)
        {
            throw NpyHeader.Bad($"unsupported format version {major}.{minor}{where} (1.0, 2.0 and 3.0 are known)");
        }
        long headerLen;
        if (major == 1)
        {
            Span<byte> l2 = stackalloc byte[2];
            if (ReadUpTo(s, l2) < 2)
            {
                throw NpyHeader.Bad($"file ends inside the header length{where}");
            }
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(l2);
        }
        else
        {
            Span<byte> l4 = stackalloc byte[4];
            if (ReadUpTo(s, l4) < 4)
            {
                throw NpyHeader.Bad($"file ends inside the header length{where}");
            }
            headerLen = BinaryPrimitives.ReadUInt32LittleEndian(l4);
        }
        if (headerLen > NpyHeader.MaxHeaderBytes)
        {
            throw NpyHeader.Bad($"header length {headerLen} exceeds the limit of {NpyHeader.MaxHeaderBytes} bytes{where}");
        }
        if (s.CanSeek && s.Length - s.Position < headerLen)
        {
            throw NpyHeader.Bad($"header length {headerLen} runs past the end of the file ({s.Length - s.Position} bytes left){where}");
        }
        var headerBytes = new byte[headerLen];
        if (ReadUpTo(s, headerBytes) < headerLen)
        {
            throw NpyHeader.Bad($"file ends inside the header{where}");
        }
        string text = major == 3 ? DecodeUtf8(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var header = NpyHeader.Parse(text);
        var elem = NpyDType.Parse(header.Descr);
        int count = Tensor.CheckedLength(header.Shape);
        if (elem.ItemSize == 0 && count > 0)
        {
            throw NpyHeader.Bad($"dtype '{header.Descr}' has zero-width elements{where}");
        }
        long dataBytes = (long)count * elem.ItemSize;
        if (dataBytes > int.MaxValue - Align)
        {
            throw NpyHeader.Bad($"array of {count} x {elem.ItemSize}-byte elements is larger than the supported {int.MaxValue - Align} bytes{where}");
        }
        if (s.CanSeek && s.Length - s.Position < dataBytes)
        {
            throw NpyHeader.Bad($"file is truncated: the header declares {dataBytes} bytes of data, {s.Length - s.Position} are present{where}");
        }
        // Fortran order stores the array as its transpose in C order: read with the dims reversed, then permute.
        int[] storedShape = header.FortranOrder ? header.Shape.Reverse().ToArray() : header.Shape;
        Tensor t = elem.DType == DType.String
            ? ReadStrings(s, elem, count, (int)dataBytes, storedShape, where)
            : ReadNumeric(s, elem, (int)dataBytes, storedShape, where);
        if (!header.FortranOrder || t.Rank < 2)
        {
            return t;
        }
        var rowMajor = ReverseAxes(t);
        t.Buffer?.Dispose(); // the column-major copy is private to this call: hand its block back to the pool
        return rowMajor;
    }

    private static Tensor ReadNumeric(Stream s, NpyDType elem, int dataBytes, int[] shape, string where)
    {
        // A non-seekable stream cannot tell its length up front, so stage the data first: memory grows only as far as
        // the bytes actually arrive.
        byte[]? staged = s.CanSeek ? null : ReadStaged(s, dataBytes, where);
        var t = Tensor.CreateUninitialized(elem.DType, shape);
        var bytes = t.Bytes;
        if (staged is not null)
        {
            staged.CopyTo(bytes);
        }
        else if (ReadUpTo(s, bytes) < dataBytes)
        {
            t.Buffer?.Dispose();
            throw NpyHeader.Bad($"file is truncated: fewer than the declared {dataBytes} data bytes{where}");
        }
        if (elem.BigEndian && elem.ItemSize > 1)
        {
            for (int i = 0; i < bytes.Length; i += elem.ItemSize)
            {
                bytes.Slice(i, elem.ItemSize).Reverse();
            }
        }
        if (elem.DType == DType.Bool)
        {
            // NumPy treats any non-zero byte as True; a CLR bool must be exactly 0 or 1.
            foreach (ref byte b in bytes)
            {
                b = b != 0 ? (byte)1 : (byte)0;
            }
        }
        return t;
    }

    private static Tensor ReadStrings(Stream s, NpyDType elem, int count, int dataBytes, int[] shape, string where)
    {
        byte[] data = ReadStaged(s, dataBytes, where);
        var strings = new string[count];
        int width = elem.ItemSize;
        for (int i = 0; i < count; i++)
        {
            var item = data.AsSpan(i * width, width);
            strings[i] = elem.Kind == 'U' ? DecodeUtf32(item, elem.BigEndian, i) : DecodeBytes(item);
        }
        return Tensor.FromStrings(strings, shape);
    }

    private static string DecodeUtf32(ReadOnlySpan<byte> item, bool bigEndian, int index)
    {
        int chars = item.Length / 4;
        while (chars > 0 && BinaryPrimitives.ReadUInt32LittleEndian(item.Slice((chars - 1) * 4, 4)) == 0)
        {
            chars--; // NumPy pads short strings with NUL code points.
        }
        var sb = new StringBuilder(chars);
        for (int c = 0; c < chars; c++)
        {
            var cp = item.Slice(c * 4, 4);
            uint v = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(cp) : BinaryPrimitives.ReadUInt32LittleEndian(cp);
            if (!Rune.IsValid(v))
            {
                throw NpyHeader.Bad($"string element {index} holds an invalid code point 0x{v:X}");
            }
            sb.Append(new Rune(v).ToString());
        }
        return sb.ToString();
    }

    private static string DecodeBytes(ReadOnlySpan<byte> item)
    {
        int n = item.Length;
        while (n > 0 && item[n - 1] == 0)
        {
            n--;
        }
        return Encoding.UTF8.GetString(item[..n]);
    }

    /// <summary>Converts a tensor holding the column-major data (dims reversed) into row-major order with the dims restored.</summary>
    private static Tensor ReverseAxes(Tensor stored)
    {
        int rank = stored.Rank;
        var shape = stored.Shape.Reverse().ToArray();
        var srcStrides = Tensor.StridesOf(stored.Shape);
        var idx = new int[rank];
        bool isString = stored.DType == DType.String;
        var result = isString ? Tensor.Create(DType.String, shape) : Tensor.CreateUninitialized(stored.DType, shape);
        int size = isString ? 0 : stored.DType.SizeOf();
        var src = isString ? default : stored.Bytes;
        var dst = isString ? default : result.Bytes;
        for (int i = 0; i < result.Length; i++)
        {
            // Output index (i0..ik) reads stored element (ik..i0).
            int off = 0;
            for (int d = 0; d < rank; d++)
            {
                off += idx[d] * srcStrides[rank - 1 - d];
            }
            if (isString)
            {
                result.Strings[i] = stored.Strings[off];
            }
            else
            {
                src.Slice(off * size, size).CopyTo(dst.Slice(i * size, size));
            }
            for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; d--)
            {
                idx[d] = 0;
            }
        }
        return result;
    }

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> (through a temporary file, so a failed write leaves no partial file).</summary>
    public static void Write(string path, Tensor tensor)
    {
        string tmp = path + ".tmp";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(fs, tensor);
            }
            File.Move(tmp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            TryDelete(tmp);
            throw new AxonInputException($"cannot write '{path}': {e.Message}", "AXON211", e);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="tensor"/> as a little-endian, C-order array in the oldest format version that can hold its header.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        string[]? strings = tensor.DType == DType.String ? tensor.Strings.ToArray() : null;
        string descr = strings is not null ? $"<U{(strings.Length == 0 ? 1 : Math.Max(1, strings.Max(CodePoints)))}" : NpyDType.DescrFor(tensor.DType);
        string dict = new NpyHeader(descr, false, tensor.Shape).Format();
        int version = dict.Length + 1 + Align <= ushort.MaxValue ? 1 : 2;
        int prefix = 8 + (version == 1 ? 2 : 4);
        // As numpy.lib.format does: pad with spaces so that prefix + header (with its final newline) is a multiple of 64.
        int pad = Align - ((prefix + dict.Length + 1) % Align);
        string header = dict + new string(' ', pad) + "\n";
        var head = new byte[prefix + header.Length];
        Magic.CopyTo(head);
        head[6] = (byte)version;
        head[7] = 0;
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(8), (ushort)header.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(8), (uint)header.Length);
        }
        Encoding.ASCII.GetBytes(header, head.AsSpan(prefix));
        stream.Write(head);
        if (strings is null)
        {
            stream.Write(tensor.Bytes);
            return;
        }
        int width = int.Parse(descr.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        var item = new byte[width * 4];
        foreach (string str in strings)
        {
            Array.Clear(item);
            int c = 0;
            foreach (Rune r in str.EnumerateRunes())
            {
                BinaryPrimitives.WriteUInt32LittleEndian(item.AsSpan(4 * c++), (uint)r.Value);
            }
            stream.Write(item);
        }
    }

    private static int CodePoints(string s)
    {
        int n = 0;
        foreach (Rune _ in s.EnumerateRunes())
        {
            n++;
        }
        return n;
    }

    private static string DecodeUtf8(byte[] bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw NpyHeader.Bad("version 3.0 header is not valid UTF-8");
        }
    }

    /// <summary>Reads up to dest.Length bytes; returns how many arrived before the end of the stream.</summary>
    private static int ReadUpTo(Stream s, Span<byte> dest)
    {
        int total = 0;
        while (total < dest.Length)
        {
            int n = s.Read(dest[total..]);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes in chunks, never allocating far beyond what the stream delivered.</summary>
    private static byte[] ReadStaged(Stream s, int count, string where)
    {
        if (s.CanSeek)
        {
            var all = new byte[count];
            if (ReadUpTo(s, all) < count)
            {
                throw NpyHeader.Bad($"file is truncated: fewer than the declared {count} data bytes{where}");
            }
            return all;
        }
        using var ms = new MemoryStream();
        var chunk = new byte[Math.Min(count, ChunkBytes)];
        while (ms.Length < count)
        {
            int n = ReadUpTo(s, chunk.AsSpan(0, (int)Math.Min(chunk.Length, count - ms.Length)));
            if (n == 0)
            {
                throw NpyHeader.Bad($"stream is truncated: the header declares {count} data bytes, {ms.Length} arrived{where}");
            }
            ms.Write(chunk, 0, n);
        }
        return ms.ToArray();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file is only litter.
        }
    }
}
