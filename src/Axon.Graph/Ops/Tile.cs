using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Tile: each dim multiplied by its repeat count.</summary>
[Schema("Tile")]
internal sealed class Tile : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (ctx.ConstInts(1) is not { } reps)
        {
            return ctx.One(t, x.Dims.Select(_ => Dim.Unknown));
        }
        if (reps.Length != x.Rank)
        {
            return ctx.Fail($"repeats has {reps.Length} entries for rank {x.Rank}");
        }
        return ctx.One(t, x.Dims.Select((d, i) => (SymExpr.Of(d) * reps[i]).ToDim()));
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);
}
