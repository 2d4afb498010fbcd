namespace Axon.Graph;

public enum TypeKind
{
    Tensor,
    Sequence,
    Optional,
    SparseTensor,
    Map,
    Unknown,
}

/// <summary>The type of a graph value: a tensor (element type and symbolic shape), a sequence of, or an optional of, another type.</summary>
public sealed class TypeInfo : IEquatable<TypeInfo>
{
    public TypeKind Kind { get; init; }
    public DType ElemType { get; init; }
    public SymShape Shape { get; init; } = SymShape.UnknownRank;
    public TypeInfo? Element { get; init; }

    /// <summary>For maps: the key type.</summary>
    public DType KeyType { get; init; }

    public static TypeInfo Tensor(DType t, SymShape shape) => new() { Kind = TypeKind.Tensor, ElemType = t, Shape = shape };
    public static TypeInfo Tensor(DType t, params long[] dims) => Tensor(t, SymShape.Of(dims));
    public static TypeInfo Sequence(TypeInfo element) => new() { Kind = TypeKind.Sequence, Element = element };
    public static TypeInfo Optional(TypeInfo element) => new() { Kind = TypeKind.Optional, Element = element };
    public static readonly TypeInfo Unknown = new() { Kind = TypeKind.Unknown };

    public bool Equals(TypeInfo? o) => o is not null && Kind == o.Kind && ElemType == o.ElemType && Shape.Equals(o.Shape)
        && Equals(Element, o.Element) && KeyType == o.KeyType;

    public override bool Equals(object? obj) => Equals(obj as TypeInfo);
    public override int GetHashCode() => HashCode.Combine(Kind, ElemType, Shape, Element);

    public override string ToString() => Kind switch
    {
        TypeKind.Tensor => $"{ElemType.ShortName()}{Shape}",
        TypeKind.Sequence => $"seq<{Element}>",
        TypeKind.Optional => $"opt<{Element}>",
        TypeKind.SparseTensor => $"sparse<{ElemType.ShortName()}{Shape}>",
        TypeKind.Map => $"map<{KeyType.ShortName()},{Element}>",
        _ => "?",
    };
}

/// <summary>A named value's declared type (graph inputs, outputs, and annotated intermediates).</summary>
public sealed record ValueInfo(string Name, TypeInfo Type)
{
    public string? DocString { get; init; }
}
