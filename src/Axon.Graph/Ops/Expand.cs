using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Expand: the input broadcast against the shape input's value (known or symbolic).</summary>
[Schema("Expand")]
internal sealed class Expand : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        var target = ctx.ShapeValue(1);
        if (target is null)
        {
            // Only the target's length is known: the rank is the larger of the two, the dims are not.
            if (ctx.Shape(1) is { HasRank: true, Rank: 1 } s && s[0].IsKnown && x.HasRank)
            {
                return ctx.One(t, Enumerable.Repeat(Dim.Unknown, (int)Math.Max(s[0].Value, x.Rank)));
            }
            return ctx.One(t, SymShape.UnknownRank);
        }
        var r = ShapeMath.Broadcast([x, new SymShape(target)], out string? err);
        return r is null ? ctx.Fail(err!) : ctx.One(t, r);
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);
}
