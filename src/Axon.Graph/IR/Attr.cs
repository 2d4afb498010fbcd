namespace Axon.Graph;

/// <summary>The kind of value an attribute holds (numbers follow ONNX's <c>AttributeProto.AttributeType</c>).</summary>
public enum AttrKind
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    SparseTensor = 11,
    TypeProto = 13,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensors = 12,
    TypeProtos = 14,
}

/// <summary>A node attribute. Exactly the field matching <see cref="Kind"/> is set. Strings are kept as raw bytes (ONNX allows any bytes) and decoded as UTF-8 on demand.</summary>
public sealed class Attr
{
    public Attr(string name, AttrKind kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }
    public AttrKind Kind { get; }
    public float F { get; init; }
    public long I { get; init; }
    public byte[] S { get; init; } = [];
    public Tensor? T { get; init; }
    public Graph? G { get; init; }
    public float[] Floats { get; init; } = [];
    public long[] Ints { get; init; } = [];
    public byte[][] Strings { get; init; } = [];
    public Tensor[] Tensors { get; init; } = [];
    public Graph[] Graphs { get; init; } = [];
    public TypeInfo? Type { get; init; }
    public TypeInfo[] Types { get; init; } = [];

    /// <summary>Set inside a function body: this attribute takes the value of the caller's attribute of that name.</summary>
    public string? RefAttrName { get; init; }

    public string? DocString { get; init; }

    public string StringValue => System.Text.Encoding.UTF8.GetString(S);

    public static Attr Of(string name, long v) => new(name, AttrKind.Int) { I = v };
    public static Attr Of(string name, float v) => new(name, AttrKind.Float) { F = v };
    public static Attr Of(string name, string v) => new(name, AttrKind.String) { S = System.Text.Encoding.UTF8.GetBytes(v) };
    public static Attr Of(string name, long[] v) => new(name, AttrKind.Ints) { Ints = v };
    public static Attr Of(string name, float[] v) => new(name, AttrKind.Floats) { Floats = v };
    public static Attr Of(string name, string[] v) => new(name, AttrKind.Strings) { Strings = v.Select(System.Text.Encoding.UTF8.GetBytes).ToArray() };
    public static Attr Of(string name, Tensor v) => new(name, AttrKind.Tensor) { T = v };
    public static Attr Of(string name, Graph v) => new(name, AttrKind.Graph) { G = v };

    /// <summary>A copy under another name (used when inlining functions).</summary>
    public Attr Renamed(string name) => new(name, Kind)
    {
        F = F, I = I, S = S, T = T, G = G, Floats = Floats, Ints = Ints, Strings = Strings, Tensors = Tensors, Graphs = Graphs,
        Type = Type, Types = Types, DocString = DocString,
    };

    public override string ToString() => Kind switch
    {
        AttrKind.Float => F.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        AttrKind.Int => I.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttrKind.String => "\"" + StringValue.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        AttrKind.Floats => "[" + string.Join(",", Floats.Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]",
        AttrKind.Ints => "[" + string.Join(",", Ints) + "]",
        AttrKind.Strings => "[" + string.Join(",", Strings.Select(s => "\"" + System.Text.Encoding.UTF8.GetString(s) + "\"")) + "]",
        AttrKind.Tensor => $"tensor {T}",
        AttrKind.Graph => $"graph {G?.Name}",
        AttrKind.Graphs => $"graphs({Graphs.Length})",
        AttrKind.Tensors => $"tensors({Tensors.Length})",
        _ => Kind.ToString(),
    };
}
