namespace Axon.Graph.Ops;

/// <summary>Squeeze: drops the listed size-1 axes (attribute before opset 13, input from 13), or every known 1.</summary>
[Schema("Squeeze")]
internal sealed class Squeeze : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axes"] = AttrKind.Ints };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        long[]? axes = ctx.Opset < 13 ? ctx.Ints("axes") : ctx.ConstInts(1);
        if (ctx.Opset >= 13 && ctx.HasInput(1) && axes is null)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        HashSet<int> drop;
        if (axes is null)
        {
            if (x.Dims.Any(d => !d.IsKnown))
            {
                return ctx.One(t, SymShape.UnknownRank);
            }
            drop = Enumerable.Range(0, x.Rank).Where(i => x[i].Value == 1).ToHashSet();
        }
        else
        {
            drop = [];
            foreach (long a in axes)
            {
                if (ctx.Axis(a, x.Rank) is not int ax)
                {
                    return ctx.Unknowns();
                }
                if (x[ax].IsKnown && x[ax].Value != 1)
                {
                    return ctx.Fail($"cannot squeeze axis {a} of size {x[ax]}");
                }
                drop.Add(ax);
            }
        }
        if (ctx.DimsValue(0) is { Length: 1 } v && x.Rank == 1 && drop.Count == 1)
        {
            ctx.SetDims(0, v);
        }
        return ctx.One(t, x.Dims.Where((_, i) => !drop.Contains(i)));
    }

    public OpCost Cost(CostContext ctx) => new(Analysis.SymExpr.Zero, Analysis.SymExpr.Zero, Analysis.SymExpr.Zero);
}
