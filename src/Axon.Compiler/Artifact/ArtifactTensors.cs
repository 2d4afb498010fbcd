using Axon.Graph;

namespace Axon.Compiler.Artifact;

/// <summary>
/// The tensor table of a <c>.axon</c> file: collects tensors while the graph is written and lays out their bytes, each
/// 64-byte aligned; on load, hands out tensors that view the weight section (mapped pages or one shared copy) in place.
/// </summary>
internal sealed class ArtifactTensors : GraphCodec.ITensorSink, GraphCodec.ITensorSource
{
    private const int Align = 64;
    private readonly List<Tensor> _tensors = [];
    private readonly Dictionary<Tensor, int> _index = new(ReferenceEqualityComparer.Instance);
    private readonly List<(DType Type, int[] Shape, long Offset, long Length, string[]? Strings)> _entries = [];
    private AlignedBuffer? _weights;

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
        WeightBytes = (WeightBytes + len + Align - 1) / Align * Align;
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

    /// <summary>Reads the table; every entry is checked to lie inside a weight section of <paramref name="weightsLength"/> bytes.</summary>
    public static ArtifactTensors ReadTable(BinaryReader r, long remaining, AlignedBuffer weights, long weightsLength)
    {
        var table = new ArtifactTensors { _weights = weights };
        int n = r.ReadInt32();
        if (n < 0 || n > remaining)
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
                if (count > remaining)
                {
                    throw new AxonCompileException($"artifact tensor {i} declares {count} strings beyond the file", "AXC002");
                }
                strings = new string[count];
                for (int k = 0; k < count; k++)
                {
                    strings[k] = r.ReadString();
                }
            }
            else if (!Enum.IsDefined(type) || type == DType.Undefined || len != count * type.SizeOf() || off < 0 || off % Align != 0
                || off + len > weightsLength)
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
        // A view, not a copy: the weight bytes stay where the file put them (mapped pages or the one shared buffer).
        return e.Strings is not null
            ? Tensor.FromStrings(e.Strings, e.Shape)
            : Tensor.View(_weights!, e.Offset, e.Type, e.Shape);
    }
}
