namespace Axon.Graph.Ops;

/// <summary>GlobalAveragePool (and GlobalMaxPool/GlobalLpPool): [N, C, D...] to [N, C, 1...].</summary>
[Schema("GlobalAveragePool")]
[Schema("GlobalMaxPool")]
[Schema("GlobalLpPool")]
internal sealed class GlobalAveragePool : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (!x.HasRank)
        {
            return ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
        }
        if (x.Rank < 2)
        {
            return ctx.Fail($"input must be at least 2-D, got {x}");
        }
        return ctx.One(ctx.ElemType(0), x.Dims.Take(2).Concat(Enumerable.Repeat(Dim.Known(1), x.Rank - 2)));
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(ctx.InputElements(0));
}
