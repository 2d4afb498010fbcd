using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Axon.Compiler.Artifact;

/// <summary>
/// The <c>.axon</c> compiled artifact (Axon's NEFF). Byte layout, little-endian:
/// <code>
/// offset  size  field
///      0     8  magic "AXONNEFF"
///      8     4  format version (uint32, currently 2)
///     12     4  header size in bytes (uint32, 80)
///     16     8  metadata offset   (uint64)   UTF-8 JSON: compiler version, options, opsets, profiles, plans
///     24     8  metadata length   (uint64)
///     32     8  graph offset      (uint64)   tensor table, then the binary IR (GraphCodec)
///     40     8  graph length      (uint64)
///     48     8  weights offset    (uint64)   64-byte aligned tensor data, each tensor 64-byte aligned; ends the file
///     56     8  weights length    (uint64)
///     64     8  XxHash3 of bytes 0..64 and 72..weights offset (header, weight checksum, metadata, graph, padding)
///     72     8  XxHash3 of the weight section
/// </code>
/// Loading maps the file (<see cref="Load"/>) and checks magic, version, every offset and length against the file size
/// and both checksums before it builds anything; weight tensors then view the mapped pages without a copy. Both
/// checksums are verified eagerly on every load, so a corrupt or truncated file is always rejected at load time: the
/// weight checksum is one vectorized XxHash3 pass over the mapping (a few milliseconds per 100 MB once the pages are
/// in the page cache), cheaper than the copy it replaces.
/// </summary>
public static class AxonFile
{
    public const uint FormatVersion = 2;
    private static readonly byte[] Magic = "AXONNEFF"u8.ToArray();
    private const int HeaderSize = 80;
    private const int Align = 64;

    /// <summary>Serializes a compiled model.</summary>
    public static byte[] Write(CompiledModel model)
    {
        var tensors = new ArtifactTensors();
        byte[] graphBytes;
        using (var graph = new MemoryStream())
        using (var all = new MemoryStream())
        {
            using (var w = new BinaryWriter(graph, Encoding.UTF8, leaveOpen: true))
            {
                GraphCodec.Write(w, model.Graph, tensors);
            }
            using (var w = new BinaryWriter(all, Encoding.UTF8, leaveOpen: true))
            {
                tensors.WriteTable(w);
            }
            graph.Position = 0;
            graph.CopyTo(all);
            graphBytes = all.ToArray();
        }
        byte[] meta = JsonSerializer.SerializeToUtf8Bytes(model.Metadata, ArtifactJson.Options);
        long metaOff = AlignUp(HeaderSize);
        long graphOff = AlignUp(metaOff + meta.Length);
        long weightsOff = AlignUp(graphOff + graphBytes.Length);
        long total = weightsOff + tensors.WeightBytes;
        if (total > int.MaxValue)
        {
            throw new AxonCompileException($"artifact of {total} bytes exceeds the 2 GiB single-file limit", "AXC011");
        }
        var file = new byte[total];
        Magic.CopyTo(file, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), HeaderSize);
        WriteU64(file, 16, metaOff, meta.Length);
        WriteU64(file, 32, graphOff, graphBytes.Length);
        WriteU64(file, 48, weightsOff, tensors.WeightBytes);
        meta.CopyTo(file, metaOff);
        graphBytes.CopyTo(file, graphOff);
        tensors.WriteWeights(file.AsSpan((int)weightsOff));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(72), XxHash3.HashToUInt64(file.AsSpan((int)weightsOff)));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(64), HeaderChecksum(file, (int)weightsOff));
        return file;
    }

    /// <summary>Writes atomically: a temporary file, flushed to disk, renamed over <paramref name="path"/>.</summary>
    public static void Save(CompiledModel model, string path)
    {
        var bytes = Write(model);
        string tmp = path + ".tmp-" + Environment.ProcessId + "-" + Environment.CurrentManagedThreadId;
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Maps and validates an artifact. Weight tensors view the mapped file (copy-on-write), which stays mapped while
    /// any of them is reachable.
    /// </summary>
    public static unsafe CompiledModel Load(string path)
    {
        MappedArtifact? map;
        try
        {
            map = MappedArtifact.Open(path, HeaderSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonCompileException($"cannot read artifact '{path}': {e.Message}", "AXC001", e);
        }
        if (map is null)
        {
            // Too short to map a header: read it to report exactly what is wrong.
            return Read(ReadSmall(path));
        }
        try
        {
            return Parse(map.Span, (off, len) => AlignedBuffer.External(map.Pointer + off, (int)len, map));
        }
        catch
        {
            map.Release();
            throw;
        }
    }

    /// <summary>True when the bytes start with the artifact magic (used to tell .axon from .onnx by content).</summary>
    public static bool LooksLikeArtifact(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Magic);

    /// <summary>Validates and reads an artifact held in memory; its weights are copied once into one aligned buffer.</summary>
    public static CompiledModel Read(byte[] file) => Parse(file, (off, len) =>
    {
        var buffer = BufferPool.Shared.Rent(len);
        file.AsSpan((int)off, (int)len).CopyTo(buffer.AsBytes(0, len));
        return buffer;
    });

    private static byte[] ReadSmall(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonCompileException($"cannot read artifact '{path}': {e.Message}", "AXC001", e);
        }
    }

    private static CompiledModel Parse(ReadOnlySpan<byte> file, Func<long, long, AlignedBuffer> weightsAt)
    {
        if (file.Length < HeaderSize || !LooksLikeArtifact(file))
        {
            throw new AxonCompileException("not an Axon artifact (bad magic or shorter than the header)", "AXC001");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file[8..]);
        if (version != FormatVersion)
        {
            throw new AxonCompileException($"artifact format version {version} is not supported (this Axon reads version {FormatVersion}); recompile the model", "AXC003");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(file[12..]) != HeaderSize)
        {
            throw new AxonCompileException("artifact header size is wrong", "AXC002");
        }
        var (metaOff, metaLen) = Section(file, 16, "metadata");
        var (graphOff, graphLen) = Section(file, 32, "graph");
        var (weightsOff, weightsLen) = Section(file, 48, "weights");
        if (weightsOff + weightsLen != file.Length || weightsOff % Align != 0 || metaOff + metaLen > weightsOff || graphOff + graphLen > weightsOff)
        {
            throw new AxonCompileException($"artifact is {file.Length} bytes but its sections end at {weightsOff + weightsLen}: truncated or corrupt", "AXC002");
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(file[64..]) != HeaderChecksum(file, weightsOff))
        {
            throw new AxonCompileException("artifact checksum mismatch in the header, metadata or graph: the file is corrupt or was modified", "AXC002");
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(file[72..]) != XxHash3.HashToUInt64(file[weightsOff..]))
        {
            throw new AxonCompileException("artifact checksum mismatch in the weight section: the file is corrupt or was modified", "AXC002");
        }
        ArtifactMetadata meta;
        try
        {
            meta = JsonSerializer.Deserialize<ArtifactMetadata>(file.Slice(metaOff, metaLen), ArtifactJson.Options)
                ?? throw new AxonCompileException("artifact metadata is empty", "AXC002");
        }
        catch (JsonException e)
        {
            throw new AxonCompileException($"artifact metadata is not valid JSON: {e.Message}", "AXC002", e);
        }
        try
        {
            using var ms = new MemoryStream(file.Slice(graphOff, graphLen).ToArray(), writable: false);
            using var r = new BinaryReader(ms, Encoding.UTF8);
            var table = ArtifactTensors.ReadTable(r, ms.Length, weightsAt(weightsOff, weightsLen), weightsLen);
            var graph = GraphCodec.Read(r, table);
            return new CompiledModel(graph, meta);
        }
        catch (EndOfStreamException e)
        {
            throw new AxonCompileException("artifact graph section is truncated", "AXC002", e);
        }
    }

    private static (int Offset, int Length) Section(ReadOnlySpan<byte> file, int at, string name)
    {
        ulong off = BinaryPrimitives.ReadUInt64LittleEndian(file[at..]);
        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(file[(at + 8)..]);
        if (off < HeaderSize || off > (ulong)file.Length || len > (ulong)file.Length - off)
        {
            throw new AxonCompileException($"artifact {name} section ({off}+{len}) lies outside the file ({file.Length} bytes): truncated or corrupt", "AXC002");
        }
        return ((int)off, (int)len);
    }

    private static ulong HeaderChecksum(ReadOnlySpan<byte> file, int weightsOff)
    {
        var h = new XxHash3();
        h.Append(file[..64]);
        h.Append(file[72..weightsOff]);
        return h.GetCurrentHashAsUInt64();
    }

    private static void WriteU64(byte[] file, int at, long off, long len)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at), (ulong)off);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at + 8), (ulong)len);
    }

    private static long AlignUp(long v) => (v + Align - 1) / Align * Align;
}
