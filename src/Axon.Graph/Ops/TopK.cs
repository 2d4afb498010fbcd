using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>TopK: values and int64 indices with axis resized to K (attribute 'k' before opset 10, input from 10).</summary>
[Schema("TopK")]
internal sealed class TopK : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["k"] = AttrKind.Int, ["largest"] = AttrKind.Int, ["sorted"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return [TypeInfo.Tensor(t, SymShape.UnknownRank), TypeInfo.Tensor(DType.Int64, SymShape.UnknownRank)];
        }
        if (ctx.Axis(ctx.Int("axis", -1), x.Rank) is not int axis)
        {
            return ctx.Unknowns();
        }
        Dim k = ctx.Opset < 10 ? Dim.Known(ctx.Int("k", 0)) : ctx.DimsValue(1) is { Length: 1 } kv ? ShapeMath.AsShapeDim(kv[0]) : Dim.Unknown;
        if (k.IsKnown && x[axis].IsKnown && k.Value > x[axis].Value)
        {
            return ctx.Fail($"K = {k} exceeds the axis size {x[axis]}");
        }
        var s = ShapeMath.WithDim(x, axis, k);
        var r = ctx.Unknowns();
        r[0] = TypeInfo.Tensor(t, s);
        if (r.Length > 1)
        {
            r[1] = TypeInfo.Tensor(DType.Int64, s);
        }
        return r;
    }

    /// <summary>A partial sort: about log2(K) comparisons per input element; counted as 2 for lack of K.</summary>
    public OpCost Cost(CostContext ctx) => ctx.Memory(ctx.InputElements(0) * 2);
}
