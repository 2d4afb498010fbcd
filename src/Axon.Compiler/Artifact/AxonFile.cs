using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Axon.Graph;

namespace Axon.Compiler.Artifact;

/// <summary>
/// The <c>.axon</c> compiled artifact (Axon's NEFF). Byte layout, little-endian:
/// <code>
/// offset  size  field
///      0     8  magic "AXONNEFF"
///      8     4  format version (uint32, currently 1)
///     12     4  header size in bytes (uint32, 64)
///     16     8  metadata offset   (uint64)   UTF-8 JSON: compiler version, options, opsets, profiles, plans
///     24     8  metadata length   (uint64)
///     32     8  graph offset      (uint64)   binary IR (GraphCodec) + tensor table
///     40     8  graph length      (uint64)
///     48     8  weights offset    (uint64)   64-byte aligned tensor data, each tensor 64-byte aligned
///     56     8  weights length    (uint64)
///     64     8  XxHash64 of every byte after the header except this field  [stored at the end of the header block]
/// </code>
/// The checksum sits in bytes 64..72 and sections start after it. The reader checks magic, version, every offset and
/// length against the file size, and the checksum, before it allocates anything the file does not justify.
/// </summary>
public static class AxonFile
{
    public const uint FormatVersion = 1;
    private static readonly byte[] Magic = "AXONNEFF"u8.ToArray();
    private const int HeaderSize = 72;
    private const int Align = 64;

    /// <summary>Serializes a compiled model.</summary>
    public static byte[] Write(CompiledModel model)
    {
        var tensors = new TensorTable();
        byte[] graphBytes;
        using (var ms = new MemoryStream())
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            GraphCodec.Write(w, model.Graph, tensors);
            tensors.WriteTable(w);
            w.Flush();
            graphBytes = ms.ToArray();
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
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(64), Checksum(file));
        return file;
    }

    public static void Save(CompiledModel model, string path)
    {
        var bytes = Write(model);
        string tmp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    public static CompiledModel Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonCompileException($"cannot read artifact '{path}': {e.Message}", "AXC001", e);
        }
        return Read(bytes);
    }

    /// <summary>True when the bytes start with the artifact magic (used to tell .axon from .onnx by content).</summary>
    public static bool LooksLikeArtifact(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes[..8].SequenceEqual(Magic);

    public static CompiledModel Read(byte[] file)
    {
        if (file.Length < HeaderSize || !LooksLikeArtifact(file))
        {
            throw new AxonCompileException("not an Axon artifact (bad magic or shorter than the header)", "AXC001");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        if (version != FormatVersion)
        {
            throw new AxonCompileException($"artifact format version {version} is not supported (this Axon reads version {FormatVersion}); recompile the model", "AXC003");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12)) != HeaderSize)
        {
            throw new AxonCompileException("artifact header size is wrong", "AXC002");
        }
        var (metaOff, metaLen) = Section(file, 16, "metadata");
        var (graphOff, graphLen) = Section(file, 32, "graph");
        var (weightsOff, weightsLen) = Section(file, 48, "weights");
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(64));
        if (stored != Checksum(file))
        {
            throw new AxonCompileException("artifact checksum mismatch: the file is corrupt or was modified", "AXC002");
        }
        ArtifactMetadata meta;
        try
        {
            meta = JsonSerializer.Deserialize<ArtifactMetadata>(file.AsSpan(metaOff, metaLen), ArtifactJson.Options)
                ?? throw new AxonCompileException("artifact metadata is empty", "AXC002");
        }
        catch (JsonException e)
        {
            throw new AxonCompileException($"artifact metadata is not valid JSON: {e.Message}", "AXC002", e);
        }
        try
        {
            using var ms = new MemoryStream(file, graphOff, graphLen, writable: false);
            using var r = new BinaryReader(ms, Encoding.UTF8);
            var weights = new ReadOnlyMemory<byte>(file, weightsOff, weightsLen);
            // The tensor table follows the graph; read the graph lazily against a table read first.
            long graphStart = ms.Position;
            var table = TensorTable.ReadTableAfterGraph(r, ms, weights);
            ms.Position = graphStart;
            var graph = GraphCodec.Read(r, table);
            return new CompiledModel(graph, meta);
        }
        catch (EndOfStreamException e)
        {
            throw new AxonCompileException("artifact graph section is truncated", "AXC002", e);
        }
    }

    private static (int Offset, int Length) Section(byte[] file, int at, string name)
    {
        ulong off = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
        ulong len = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at + 8));
        if (off < HeaderSize || off > (ulong)file.Length || len > (ulong)file.Length - off)
        {
            throw new AxonCompileException($"artifact {name} section ({off}+{len}) lies outside the file ({file.Length} bytes): truncated or corrupt", "AXC002");
        }
        return ((int)off, (int)len);
    }

    private static ulong Checksum(byte[] file)
    {
        var h = new XxHash64();
        h.Append(file.AsSpan(0, 64));
        h.Append(file.AsSpan(HeaderSize));
        return h.GetCurrentHashAsUInt64();
    }

    private static void WriteU64(byte[] file, int at, long off, long len)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at), (ulong)off);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at + 8), (ulong)len);
    }

    private static long AlignUp(long v) => (v + Align - 1) / Align * Align;

    /// <summary>Collects tensors while the graph is written and lays out their bytes, each 64-byte aligned.</summary>
    private sealed class TensorTable : GraphCodec.ITensorSink, GraphCodec.ITensorSource
    {
        private readonly List<Tensor> _tensors = [];
        private readonly Dictionary<Tensor, int> _index = new(ReferenceEqualityComparer.Instance);
        private readonly List<(DType Type, int[] Shape, long Offset, long Length, string[]? Strings)> _entries = [];
        private ReadOnlyMemory<byte> _weights;

        public long WeightBytes { get; private set; }

        public int Add(Tensor t)
        {
            if (_index.TryGetValue(t, out int i))
            {
                return i;
            }
            i = _tensors.Count;
            _tensors.Add(t);
            _index[t] = i;
            long len = t.DType == DType.String ? 0 : t.ByteLength;
            _entries.Add((t.DType, t.Shape, WeightBytes, len, t.DType == DType.String ? t.Strings.ToArray() : null));
            WeightBytes = AlignUp(WeightBytes + len);
            return i;
        }

        public void WriteTable(BinaryWriter w)
        {
            w.Write(_entries.Count);
            foreach (var e in _entries)
            {
                w.Write((int)e.Type);
                w.Write(e.Shape.Length);
                foreach (int d in e.Shape)
                {
                    w.Write(d);
                }
                w.Write(e.Offset);
                w.Write(e.Length);
                if (e.Strings is not null)
                {
                    foreach (var s in e.Strings)
                    {
                        w.Write(s);
                    }
                }
            }
        }

        public void WriteWeights(Span<byte> dst)
        {
            for (int i = 0; i < _tensors.Count; i++)
            {
                if (_tensors[i].DType != DType.String)
                {
                    _tensors[i].Bytes.CopyTo(dst.Slice((int)_entries[i].Offset));
                }
            }
        }

        public static TensorTable ReadTableAfterGraph(BinaryReader r, MemoryStream ms, ReadOnlyMemory<byte> weights)
        {
            // Skip the graph once with a throwaway source that records nothing, to find the table that follows it.
            GraphCodec.Read(r, new CountingSource());
            var table = new TensorTable { _weights = weights };
            int n = r.ReadInt32();
            if (n < 0 || n > ms.Length - ms.Position)
            {
                throw new AxonCompileException($"artifact tensor table count {n} is impossible", "AXC002");
            }
            for (int i = 0; i < n; i++)
            {
                var type = (DType)r.ReadInt32();
                int rank = r.ReadInt32();
                if (rank < 0 || rank > 64)
                {
                    throw new AxonCompileException($"artifact tensor {i} has rank {rank}", "AXC002");
                }
                var shape = new int[rank];
                for (int d = 0; d < rank; d++)
                {
                    shape[d] = r.ReadInt32();
                }
                long off = r.ReadInt64();
                long len = r.ReadInt64();
                string[]? strings = null;
                long count = Tensor.CheckedLength(shape);
                if (type == DType.String)
                {
                    if (count > ms.Length - ms.Position)
                    {
                        throw new AxonCompileException($"artifact tensor {i} declares {count} strings beyond the file", "AXC002");
                    }
                    strings = new string[count];
                    for (int k = 0; k < count; k++)
                    {
                        strings[k] = r.ReadString();
                    }
                }
                else if (!Enum.IsDefined(type) || type == DType.Undefined || len != count * type.SizeOf() || off < 0 || off + len > weights.Length)
                {
                    throw new AxonCompileException($"artifact tensor {i} ({type}, [{string.Join(",", shape)}]) does not fit the weight section", "AXC002");
                }
                table._entries.Add((type, shape, off, len, strings));
            }
            return table;
        }

        public Tensor Get(int index)
        {
            if (index < 0 || index >= _entries.Count)
            {
                throw new AxonCompileException($"artifact refers to tensor {index}, the table has {_entries.Count}", "AXC002");
            }
            var e = _entries[index];
            return e.Strings is not null
                ? Tensor.FromStrings(e.Strings, e.Shape)
                : Tensor.FromBytes(e.Type, _weights.Span.Slice((int)e.Offset, (int)e.Length), e.Shape);
        }

        private sealed class CountingSource : GraphCodec.ITensorSource
        {
            public Tensor Get(int index) => Tensor.Create(DType.Float32, 0);
        }
    }
}
