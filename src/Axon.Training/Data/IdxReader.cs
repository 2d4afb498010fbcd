using System.Buffers.Binary;
using System.IO.Compression;

namespace Axon.Training.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format), optionally gzip-compressed.
/// Layout: two zero bytes, a type byte (0x08 = unsigned byte), a rank byte, then rank big-endian int32 dims,
/// then the row-major data. Every length is checked before anything is allocated.
/// </summary>
public static class IdxReader
{
    /// <summary>The largest file we accept (Fashion-MNIST's train images are 47 MB).</summary>
    private const long MaxElements = 1L << 31;

    /// <summary>Reads an unsigned-byte IDX file; returns its dims and data.</summary>
    public static (int[] Dims, byte[] Data) ReadBytes(string path)
    {
        if (!File.Exists(path))
        {
            throw new AxonInputException($"IDX file '{path}' does not exist", "AXT100");
        }
        try
        {
            using var file = File.OpenRead(path);
            bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
            using Stream s = gz ? new GZipStream(file, CompressionMode.Decompress) : file;
            return Read(s, path);
        }
        catch (InvalidDataException e)
        {
            throw new AxonInputException($"IDX file '{path}' is not valid gzip data (corrupt download?): {e.Message}", "AXT101", e);
        }
    }

    /// <summary>Reads an unsigned-byte IDX stream (already decompressed); <paramref name="what"/> names it in errors.</summary>
    public static (int[] Dims, byte[] Data) Read(Stream s, string what)
    {
        Span<byte> head = stackalloc byte[4];
        if (ReadFull(s, head) < 4)
        {
            throw new AxonInputException($"IDX file '{what}' is truncated: no 4-byte header", "AXT102");
        }
        if (head[0] != 0 || head[1] != 0)
        {
            throw new AxonInputException($"IDX file '{what}' has a bad magic number (first bytes {head[0]:x2} {head[1]:x2}, expected 00 00)", "AXT103");
        }
        if (head[2] != 0x08)
        {
            throw new AxonInputException($"IDX file '{what}' holds type 0x{head[2]:x2}; only unsigned bytes (0x08) are supported", "AXT103");
        }
        int rank = head[3];
        if (rank is < 1 or > 4)
        {
            throw new AxonInputException($"IDX file '{what}' declares rank {rank}; expected 1 to 4", "AXT103");
        }
        var dimBytes = new byte[4 * rank];
        if (ReadFull(s, dimBytes) < dimBytes.Length)
        {
            throw new AxonInputException($"IDX file '{what}' is truncated inside its dimension list", "AXT102");
        }
        var dims = new int[rank];
        long n = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d < 0)
            {
                throw new AxonInputException($"IDX file '{what}' has a negative dimension {d}", "AXT103");
            }
            dims[i] = d;
            n *= d;
            if (n > MaxElements)
            {
                throw new AxonInputException($"IDX file '{what}' declares more than 2^31 elements", "AXT103");
            }
        }
        var data = new byte[n];
        int got = ReadFull(s, data);
        if (got < n)
        {
            throw new AxonInputException($"IDX file '{what}' is truncated: dims [{string.Join(",", dims)}] need {n} data bytes, found {got}", "AXT102");
        }
        return (dims, data);
    }

    private static int ReadFull(Stream s, Span<byte> buf)
    {
        int total = 0;
        while (total < buf.Length)
        {
            int k = s.Read(buf[total..]);
            if (k == 0)
            {
                break;
            }
            total += k;
        }
        return total;
    }
}
