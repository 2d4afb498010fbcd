using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Range: 1-D of max(ceil((limit - start) / delta), 0) elements when the scalars are known, start's type.</summary>
[Schema("Range")]
internal sealed class Range : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        DType t = ctx.ElemType(0);
        if (ctx.Const(0) is { } s && ctx.Const(1) is { } l && ctx.Const(2) is { } d && s.Length == 1 && l.Length == 1 && d.Length == 1)
        {
            double start = s.ToDoubles()[0], limit = l.ToDoubles()[0], delta = d.ToDoubles()[0];
            if (delta == 0)
            {
                return ctx.Fail("delta is 0");
            }
            long n = (long)Math.Max(Math.Ceiling((limit - start) / delta), 0);
            return ctx.One(t, [Dim.Known(n)]);
        }
        return ctx.One(t, [Dim.Unknown]);
    }

    public OpCost Cost(CostContext ctx) => new(ctx.OutputElements(0), SymExpr.Zero, CostContext.Bytes(ctx.Output(0)));
}
