using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>OneHot: the indices' shape with depth inserted at axis (-1: last), in the values' type.</summary>
[Schema("OneHot")]
internal sealed class OneHot : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var idx = ctx.Shape(0);
        DType t = ctx.ElemType(2);
        if (!idx.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        Dim depth = ctx.Const(1) is { Length: 1 } d ? Dim.Known((long)Math.Floor(d.ToDoubles()[0])) : Dim.Unknown;
        if (ctx.Axis(ctx.Int("axis", -1), idx.Rank + 1) is not int axis)
        {
            return ctx.Unknowns();
        }
        var dims = idx.Dims.ToList();
        dims.Insert(axis, depth);
        return ctx.One(t, dims);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, CostContext.Bytes(ctx.Input(0)), CostContext.Bytes(ctx.Output(0)));
}
