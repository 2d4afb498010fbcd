using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx.Tests;

/// <summary>
/// Seeded corruptions of serialized models, at the byte level (bit flips, truncation, wrong length prefixes) and at the
/// message level (deleted nodes, wrong dims, dangling inputs, duplicated nodes, bad data types).
/// </summary>
internal static class ProtoMutator
{
    public static readonly string[] Kinds =
        ["bitflip", "truncate", "length-prefix", "delete-node", "wrong-dims", "dangling-input", "duplicate-node", "data-type", "input-dims", "swap-nodes"];

    /// <summary>Applies mutation <paramref name="kind"/>; returns the new bytes and a description for failure messages.</summary>
    public static (byte[] Bytes, string What) Mutate(byte[] model, string kind, Random rng)
    {
        switch (kind)
        {
            case "bitflip":
                {
                    var b = (byte[])model.Clone();
                    int flips = 1 + rng.Next(8);
                    var at = new List<int>();
                    for (int i = 0; i < flips; i++)
                    {
                        int pos = rng.Next(b.Length);
                        b[pos] ^= (byte)(1 << rng.Next(8));
                        at.Add(pos);
                    }
                    return (b, $"bit flips at {string.Join(",", at)}");
                }
            case "truncate":
                {
                    int len = rng.Next(model.Length);
                    return (model[..len], $"truncated to {len} of {model.Length} bytes");
                }
            case "length-prefix":
                return WrongLengthPrefix(model, rng);
            default:
                return MutateMessage(model, kind, rng);
        }
    }

    private static (byte[], string) WrongLengthPrefix(byte[] model, Random rng)
    {
        var prefixes = new List<(int Start, int Size, long Length)>();
        Walk(model, 0, model.Length, prefixes, 0);
        if (prefixes.Count == 0)
        {
            return (model, "no length prefix found");
        }
        var (start, size, length) = prefixes[rng.Next(prefixes.Count)];
        long[] choices = [length + 1, length - 1, length + 1 + rng.Next(64), Math.Max(0, length - 1 - rng.Next(64)), 0, int.MaxValue, uint.MaxValue, model.Length * 2L];
        long wrong = Math.Max(0, choices[rng.Next(choices.Length)]);
        var enc = Varint((ulong)wrong);
        var b = new byte[model.Length - size + enc.Length];
        model.AsSpan(0, start).CopyTo(b);
        enc.CopyTo(b.AsSpan(start));
        model.AsSpan(start + size).CopyTo(b.AsSpan(start + enc.Length));
        return (b, $"length prefix at {start}: {length} -> {wrong}");
    }

    /// <summary>Records every length prefix in a message, recursing into payloads that themselves parse as messages.</summary>
    private static bool Walk(byte[] b, int pos, int end, List<(int, int, long)> found, int depth)
    {
        var local = new List<(int, int, long)>();
        while (pos < end)
        {
            if (!ReadVarint(b, ref pos, end, out ulong tag) || tag >> 3 == 0)
            {
                return false;
            }
            switch ((int)(tag & 7))
            {
                case 0:
                    if (!ReadVarint(b, ref pos, end, out _))
                    {
                        return false;
                    }
                    break;
                case 1:
                    pos += 8;
                    break;
                case 5:
                    pos += 4;
                    break;
                case 2:
                    {
                        int start = pos;
                        if (!ReadVarint(b, ref pos, end, out ulong len) || len > (ulong)(end - pos))
                        {
                            return false;
                        }
                        local.Add((start, pos - start, (long)len));
                        if (depth < 12)
                        {
                            var inner = new List<(int, int, long)>();
                            if (Walk(b, pos, pos + (int)len, inner, depth + 1))
                            {
                                local.AddRange(inner);
                            }
                        }
                        pos += (int)len;
                        break;
                    }
                default:
                    return false;
            }
        }
        if (pos != end)
        {
            return false;
        }
        found.AddRange(local);
        return true;
    }

    private static bool ReadVarint(byte[] b, ref int pos, int end, out ulong v)
    {
        v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= end)
            {
                return false;
            }
            byte x = b[pos++];
            v |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0)
            {
                return true;
            }
        }
        return false;
    }

    private static byte[] Varint(ulong v)
    {
        var r = new List<byte>();
        do
        {
            byte x = (byte)(v & 0x7F);
            v >>= 7;
            r.Add(v != 0 ? (byte)(x | 0x80) : x);
        }
        while (v != 0);
        return r.ToArray();
    }

    private static (byte[], string) MutateMessage(byte[] model, string kind, Random rng)
    {
        var p = ModelProto.Parser.ParseFrom(model);
        var graphs = new List<GraphProto>();
        Collect(p.Graph, graphs);
        var g = graphs[rng.Next(graphs.Count)];
        string what = kind;
        switch (kind)
        {
            case "delete-node" when g.Node.Count > 0:
                {
                    int i = rng.Next(g.Node.Count);
                    what = $"deleted node {i} ({g.Node[i].OpType}) of graph '{g.Name}'";
                    g.Node.RemoveAt(i);
                    break;
                }
            case "wrong-dims" when g.Initializer.Count > 0:
                {
                    var t = g.Initializer[rng.Next(g.Initializer.Count)];
                    what = $"dims of initializer '{t.Name}'";
                    WrongDims(t.Dims, rng);
                    break;
                }
            case "dangling-input" when g.Node.Count > 0:
                {
                    var n = g.Node[rng.Next(g.Node.Count)];
                    if (n.Input.Count == 0)
                    {
                        n.Input.Add("ghost");
                    }
                    else
                    {
                        n.Input[rng.Next(n.Input.Count)] = "ghost_" + rng.Next(100);
                    }
                    what = $"dangling input on node '{n.Name}' ({n.OpType})";
                    break;
                }
            case "duplicate-node" when g.Node.Count > 0:
                {
                    var n = g.Node[rng.Next(g.Node.Count)];
                    g.Node.Insert(rng.Next(g.Node.Count + 1), n.Clone());
                    what = $"duplicated node '{n.Name}' ({n.OpType})";
                    break;
                }
            case "data-type" when g.Initializer.Count > 0:
                {
                    var t = g.Initializer[rng.Next(g.Initializer.Count)];
                    t.DataType = rng.Next(-2, 30);
                    what = $"data_type of '{t.Name}' -> {t.DataType}";
                    break;
                }
            case "input-dims" when g.Input.Count > 0:
                {
                    var vi = g.Input[rng.Next(g.Input.Count)];
                    if (vi.Type?.TensorType?.Shape is { } shape)
                    {
                        var dims = shape.Dim.Select(d => d.DimValue).ToList();
                        var rf = new Google.Protobuf.Collections.RepeatedField<long>();
                        rf.AddRange(dims);
                        WrongDims(rf, rng);
                        shape.Dim.Clear();
                        shape.Dim.AddRange(rf.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
                    }
                    what = $"dims of input '{vi.Name}'";
                    break;
                }
            case "swap-nodes" when g.Node.Count > 1:
                {
                    int i = rng.Next(g.Node.Count), j = rng.Next(g.Node.Count);
                    (g.Node[i], g.Node[j]) = (g.Node[j], g.Node[i]);
                    // Also make the earlier one read the later one's output: usually a cycle.
                    if (g.Node[i].Input.Count > 0 && g.Node[j].Output.Count > 0)
                    {
                        g.Node[i].Input[0] = g.Node[j].Output[0];
                    }
                    what = $"swapped nodes {i} and {j} and linked them";
                    break;
                }
            default:
                what = kind + " (not applicable; unchanged)";
                break;
        }
        return (p.ToByteArray(), what);
    }

    private static void WrongDims(Google.Protobuf.Collections.RepeatedField<long> dims, Random rng)
    {
        long[] values = [0, -1, 1L << 40, long.MaxValue, int.MaxValue, 3, 1 + rng.Next(100)];
        switch (rng.Next(3))
        {
            case 0 when dims.Count > 0:
                dims[rng.Next(dims.Count)] = values[rng.Next(values.Length)];
                break;
            case 1:
                dims.Add(values[rng.Next(values.Length)]);
                break;
            default:
                if (dims.Count > 0)
                {
                    dims.RemoveAt(rng.Next(dims.Count));
                }
                else
                {
                    dims.Add(2);
                }
                break;
        }
    }

    private static void Collect(GraphProto g, List<GraphProto> into)
    {
        into.Add(g);
        foreach (var n in g.Node)
        {
            foreach (var a in n.Attribute)
            {
                if (a.G is not null)
                {
                    Collect(a.G, into);
                }
                foreach (var sg in a.Graphs)
                {
                    Collect(sg, into);
                }
            }
        }
    }
}
