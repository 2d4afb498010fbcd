namespace Axon.Graph.Reference;

/// <summary>Argument checks shared by the sequence ops.</summary>
internal static class SequenceHelpers
{
    /// <summary>Input <paramref name="i"/> as a sequence; an error naming the node when it is something else.</summary>
    public static TensorSequence Seq(OpContext ctx, int i)
    {
        var v = i < ctx.InputCount ? ctx.Inputs[i] : null;
        if (v is OptionalValue { Value: TensorSequence inner })
        {
            return inner;
        }
        return v as TensorSequence ?? throw ctx.Error($"input {i} must be a sequence, got {v?.ToString() ?? "nothing"}");
    }

    /// <summary>A position input normalized against <paramref name="count"/> (negative counts from the back); <paramref name="max"/> is the largest valid index.</summary>
    public static int Position(OpContext ctx, Tensor pos, int count, int max)
    {
        long p = ControlFlow.ScalarInt(ctx, pos, "position");
        long q = p < 0 ? p + count : p;
        if (q < 0 || q > max)
        {
            throw ctx.Error($"position {p} is out of range for a sequence of {count} tensors");
        }
        return (int)q;
    }

    /// <summary>The element dtype a sequence-typed graph value declares, if any.</summary>
    public static DType DeclaredElement(TypeInfo? t)
    {
        while (t is { Kind: TypeKind.Optional or TypeKind.Sequence } && t.Element is not null)
        {
            t = t.Element;
        }
        return t is { Kind: TypeKind.Tensor } ? t.ElemType : DType.Undefined;
    }
}
