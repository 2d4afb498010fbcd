using System.Text;
using Axon.Graph;

namespace Axon.Compiler.Artifact;

/// <summary>
/// Binary form of an IR graph inside a <c>.axon</c> file. Tensors (initializers and tensor attributes) are not inlined:
/// they are written to the weight section through <see cref="ITensorSink"/> and referenced by index, so weights stay
/// aligned for memory mapping. Every count and length read back is checked against the bytes that remain.
/// </summary>
internal static class GraphCodec
{
    private const int MaxDepth = 64;

    public interface ITensorSink
    {
        int Add(Tensor t);
    }

    public interface ITensorSource
    {
        Tensor Get(int index);
    }

    public static void Write(BinaryWriter w, Axon.Graph.Graph g, ITensorSink sink)
    {
        w.Write(g.Name);
        w.Write(g.Inputs.Count);
        foreach (var v in g.Inputs)
        {
            WriteValueInfo(w, v);
        }
        w.Write(g.Outputs.Count);
        foreach (var v in g.Outputs)
        {
            WriteValueInfo(w, v);
        }
        w.Write(g.ValueInfos.Count);
        foreach (var v in g.ValueInfos.Values)
        {
            WriteValueInfo(w, v);
        }
        w.Write(g.Initializers.Count);
        foreach (var (name, t) in g.Initializers)
        {
            w.Write(name);
            w.Write(sink.Add(t));
        }
        w.Write(g.Nodes.Count);
        foreach (var n in g.Nodes)
        {
            w.Write(n.OpType);
            w.Write(n.Domain);
            w.Write(n.Name);
            WriteStrings(w, n.Inputs);
            WriteStrings(w, n.Outputs);
            w.Write(n.Attributes.Count);
            foreach (var a in n.Attributes.Values)
            {
                WriteAttr(w, a, sink);
            }
        }
    }

    public static Axon.Graph.Graph Read(BinaryReader r, ITensorSource source, int depth = 0)
    {
        if (depth > MaxDepth)
        {
            throw Corrupt($"subgraphs nested deeper than {MaxDepth}");
        }
        var g = new Axon.Graph.Graph { Name = r.ReadString() };
        int n = Count(r);
        for (int i = 0; i < n; i++)
        {
            g.Inputs.Add(ReadValueInfo(r));
        }
        n = Count(r);
        for (int i = 0; i < n; i++)
        {
            g.Outputs.Add(ReadValueInfo(r));
        }
        n = Count(r);
        for (int i = 0; i < n; i++)
        {
            var vi = ReadValueInfo(r);
            g.ValueInfos[vi.Name] = vi;
        }
        n = Count(r);
        for (int i = 0; i < n; i++)
        {
            string name = r.ReadString();
            g.Initializers[name] = source.Get(r.ReadInt32());
        }
        n = Count(r);
        for (int i = 0; i < n; i++)
        {
            string op = r.ReadString();
            string domain = r.ReadString();
            string name = r.ReadString();
            var node = new Node(op, ReadStrings(r), ReadStrings(r), name, domain);
            int attrs = Count(r);
            for (int k = 0; k < attrs; k++)
            {
                var a = ReadAttr(r, source, depth);
                node.Attributes[a.Name] = a;
            }
            g.Nodes.Add(node);
        }
        return g;
    }

    private static void WriteAttr(BinaryWriter w, Attr a, ITensorSink sink)
    {
        w.Write(a.Name);
        w.Write((int)a.Kind);
        switch (a.Kind)
        {
            case AttrKind.Float: w.Write(a.F); break;
            case AttrKind.Int: w.Write(a.I); break;
            case AttrKind.String: WriteBytes(w, a.S); break;
            case AttrKind.Tensor: w.Write(a.T is null ? -1 : sink.Add(a.T)); break;
            case AttrKind.Graph:
                w.Write(a.G is not null);
                if (a.G is not null)
                {
                    Write(w, a.G, sink);
                }
                break;
            case AttrKind.Floats:
                w.Write(a.Floats.Length);
                foreach (var f in a.Floats) w.Write(f);
                break;
            case AttrKind.Ints:
                w.Write(a.Ints.Length);
                foreach (var v in a.Ints) w.Write(v);
                break;
            case AttrKind.Strings:
                w.Write(a.Strings.Length);
                foreach (var s in a.Strings) WriteBytes(w, s);
                break;
            case AttrKind.Tensors:
                w.Write(a.Tensors.Length);
                foreach (var t in a.Tensors) w.Write(sink.Add(t));
                break;
            case AttrKind.Graphs:
                w.Write(a.Graphs.Length);
                foreach (var sg in a.Graphs) Write(w, sg, sink);
                break;
            case AttrKind.TypeProto:
                w.Write(a.Type is not null);
                if (a.Type is not null) WriteType(w, a.Type);
                break;
            case AttrKind.TypeProtos:
                w.Write(a.Types.Length);
                foreach (var t in a.Types) WriteType(w, t);
                break;
            default:
                throw new AxonCompileException($"attribute '{a.Name}' of kind {a.Kind} cannot be stored in an artifact", "AXC010");
        }
    }

    private static Attr ReadAttr(BinaryReader r, ITensorSource source, int depth)
    {
        string name = r.ReadString();
        var kind = (AttrKind)r.ReadInt32();
        return kind switch
        {
            AttrKind.Float => new Attr(name, kind) { F = r.ReadSingle() },
            AttrKind.Int => new Attr(name, kind) { I = r.ReadInt64() },
            AttrKind.String => new Attr(name, kind) { S = ReadBytes(r) },
            AttrKind.Tensor => new Attr(name, kind) { T = r.ReadInt32() is int ti && ti >= 0 ? source.Get(ti) : null },
            AttrKind.Graph => new Attr(name, kind) { G = r.ReadBoolean() ? Read(r, source, depth + 1) : null },
            AttrKind.Floats => new Attr(name, kind) { Floats = Repeat(r, 4, () => r.ReadSingle()) },
            AttrKind.Ints => new Attr(name, kind) { Ints = Repeat(r, 8, () => r.ReadInt64()) },
            AttrKind.Strings => new Attr(name, kind) { Strings = Repeat(r, 1, () => ReadBytes(r)) },
            AttrKind.Tensors => new Attr(name, kind) { Tensors = Repeat(r, 4, () => source.Get(r.ReadInt32())) },
            AttrKind.Graphs => new Attr(name, kind) { Graphs = Repeat(r, 1, () => Read(r, source, depth + 1)) },
            AttrKind.TypeProto => new Attr(name, kind) { Type = r.ReadBoolean() ? ReadType(r, 0) : null },
            AttrKind.TypeProtos => new Attr(name, kind) { Types = Repeat(r, 1, () => ReadType(r, 0)) },
            _ => throw Corrupt($"attribute '{name}' has unknown kind {(int)kind}"),
        };
    }

    private static void WriteValueInfo(BinaryWriter w, ValueInfo v)
    {
        w.Write(v.Name);
        WriteType(w, v.Type);
    }

    private static ValueInfo ReadValueInfo(BinaryReader r) => new(r.ReadString(), ReadType(r, 0));

    private static void WriteType(BinaryWriter w, TypeInfo t)
    {
        w.Write((int)t.Kind);
        w.Write((int)t.ElemType);
        w.Write((int)t.KeyType);
        w.Write(t.Shape.HasRank);
        if (t.Shape.HasRank)
        {
            w.Write(t.Shape.Rank);
            foreach (var d in t.Shape.Dims)
            {
                w.Write(d.Value);
                w.Write(d.Symbol ?? "");
            }
        }
        w.Write(t.Element is not null);
        if (t.Element is not null)
        {
            WriteType(w, t.Element);
        }
    }

    private static TypeInfo ReadType(BinaryReader r, int depth)
    {
        if (depth > 16)
        {
            throw Corrupt("type nested deeper than 16 levels");
        }
        var kind = (TypeKind)r.ReadInt32();
        var elem = (DType)r.ReadInt32();
        var key = (DType)r.ReadInt32();
        var shape = SymShape.UnknownRank;
        if (r.ReadBoolean())
        {
            var dims = Repeat(r, 9, () =>
            {
                long v = r.ReadInt64();
                string sym = r.ReadString();
                return v >= 0 ? Dim.Known(v) : sym.Length > 0 ? Dim.Sym(sym) : Dim.Unknown;
            });
            shape = new SymShape(dims);
        }
        var element = r.ReadBoolean() ? ReadType(r, depth + 1) : null;
        return new TypeInfo { Kind = kind, ElemType = elem, KeyType = key, Shape = shape, Element = element };
    }

    private static void WriteStrings(BinaryWriter w, IReadOnlyList<string> s)
    {
        w.Write(s.Count);
        foreach (var x in s)
        {
            w.Write(x);
        }
    }

    private static string[] ReadStrings(BinaryReader r) => Repeat(r, 1, r.ReadString);

    private static void WriteBytes(BinaryWriter w, byte[] b)
    {
        w.Write(b.Length);
        w.Write(b);
    }

    private static byte[] ReadBytes(BinaryReader r)
    {
        int n = Count(r);
        return r.ReadBytes(n);
    }

    /// <summary>Reads a count and checks it could fit in the bytes left (each item at least <paramref name="minItemBytes"/>).</summary>
    private static T[] Repeat<T>(BinaryReader r, int minItemBytes, Func<T> read)
    {
        int n = Count(r, minItemBytes);
        var a = new T[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = read();
        }
        return a;
    }

    private static int Count(BinaryReader r, int minItemBytes = 1)
    {
        int n = r.ReadInt32();
        long left = r.BaseStream.Length - r.BaseStream.Position;
        if (n < 0 || (long)n * minItemBytes > left)
        {
            throw Corrupt($"count {n} exceeds the {left} bytes left");
        }
        return n;
    }

    private static AxonCompileException Corrupt(string what) => new($"corrupt artifact graph: {what}", "AXC002");

    public static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);
}
