namespace Axon.Graph.Ops;

/// <summary>Combining types from several sources (If branches, Loop iterations, declared vs inferred).</summary>
public static class TypeMerge
{
    /// <summary>The most specific type both may have at run time: equal parts kept, differing dims unknown.</summary>
    public static TypeInfo Join(TypeInfo a, TypeInfo b)
    {
        if (a.Kind != b.Kind)
        {
            return a.Kind == TypeKind.Unknown ? b : b.Kind == TypeKind.Unknown ? a : TypeInfo.Unknown;
        }
        return a.Kind switch
        {
            TypeKind.Tensor => TypeInfo.Tensor(a.ElemType == b.ElemType ? a.ElemType : DType.Undefined, JoinShape(a.Shape, b.Shape)),
            TypeKind.Sequence when a.Element is { } ea && b.Element is { } eb => TypeInfo.Sequence(Join(ea, eb)),
            TypeKind.Optional when a.Element is { } ea && b.Element is { } eb => TypeInfo.Optional(Join(ea, eb)),
            _ => a.Equals(b) ? a : TypeInfo.Unknown,
        };
    }

    public static SymShape JoinShape(SymShape a, SymShape b)
    {
        if (!a.HasRank || !b.HasRank || a.Rank != b.Rank)
        {
            return SymShape.UnknownRank;
        }
        return new SymShape(a.Dims.Zip(b.Dims, (x, y) => x == y ? x : Dim.Unknown));
    }

    /// <summary>
    /// Two descriptions of the same value (say, declared and inferred): each dim takes whichever side knows more.
    /// Null when they contradict (different element types, ranks or known sizes).
    /// </summary>
    public static TypeInfo? Refine(TypeInfo a, TypeInfo b)
    {
        if (a.Kind == TypeKind.Unknown)
        {
            return b;
        }
        if (b.Kind == TypeKind.Unknown)
        {
            return a;
        }
        if (a.Kind != b.Kind)
        {
            return null;
        }
        if (a.Kind != TypeKind.Tensor)
        {
            if (a.Element is { } ea && b.Element is { } eb)
            {
                var e = Refine(ea, eb);
                return e is null ? null : a.Kind == TypeKind.Sequence ? TypeInfo.Sequence(e) : a.Kind == TypeKind.Optional ? TypeInfo.Optional(e) : a;
            }
            return a.Element is null ? b : a;
        }
        DType t = a.ElemType == DType.Undefined ? b.ElemType : a.ElemType;
        if (b.ElemType != DType.Undefined && b.ElemType != t)
        {
            return null;
        }
        if (!a.Shape.HasRank || !b.Shape.HasRank)
        {
            return TypeInfo.Tensor(t, a.Shape.HasRank ? a.Shape : b.Shape);
        }
        if (a.Shape.Rank != b.Shape.Rank)
        {
            return null;
        }
        var dims = new Dim[a.Shape.Rank];
        for (int i = 0; i < dims.Length; i++)
        {
            Dim x = a.Shape[i], y = b.Shape[i];
            if (x.IsKnown && y.IsKnown && x.Value != y.Value)
            {
                return null;
            }
            dims[i] = x.IsKnown ? x : y.IsKnown ? y : x.IsSymbolic ? x : y;
        }
        return TypeInfo.Tensor(t, new SymShape(dims));
    }
}
