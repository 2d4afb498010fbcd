namespace Axon.Graph.Reference;

/// <summary>Helpers shared by Loop, Scan and SequenceMap: reading scalar inputs and assembling scan outputs.</summary>
internal static class ControlFlow
{
    /// <summary>Stacks per-iteration values along a new axis; with no iterations, an empty tensor typed from the body's declared output.</summary>
    public static Tensor StackOutputs(OpContext ctx, List<Tensor> items, ValueInfo? declared, int axis = 0)
    {
        if (items.Count > 0)
        {
            foreach (var t in items)
            {
                if (t.DType != items[0].DType || !t.Shape.AsSpan().SequenceEqual(items[0].Shape))
                {
                    throw ctx.Error($"scan output changes from {items[0]} to {t} across iterations");
                }
            }
            return AxisOps.Stack(items, axis);
        }
        var type = declared?.Type;
        var dtype = type is { Kind: TypeKind.Tensor } && type.ElemType != DType.Undefined ? type.ElemType : DType.Float32;
        var shape = new List<int>();
        if (type is { Kind: TypeKind.Tensor } && type.Shape.HasRank)
        {
            foreach (var d in type.Shape.Dims)
            {
                shape.Add(d.IsKnown ? (int)d.Value : 0);
            }
        }
        shape.Insert(Math.Min(axis, shape.Count), 0);
        return Tensor.Create(dtype, shape.ToArray());
    }

    /// <summary>A scalar's single value as int64.</summary>
    public static long ScalarInt(OpContext ctx, Tensor t, string what)
    {
        if (t.Length != 1)
        {
            throw ctx.Error($"{what} must hold one element, got {t}");
        }
        return t.ToInt64s()[0];
    }

    /// <summary>A scalar's single value as bool.</summary>
    public static bool ScalarBool(OpContext ctx, IValue? v, string what)
    {
        if (v is not Tensor t || t.Length != 1)
        {
            throw ctx.Error($"{what} must be a one-element tensor, got {v?.ToString() ?? "nothing"}");
        }
        return t.ToDoubles()[0] != 0;
    }
}
