using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Size: an int64 scalar, the element count (symbolic when the shape is).</summary>
[Schema("Size")]
internal sealed class Size : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (x.HasRank)
        {
            Dim n = SymExpr.Product(x).ToDim();
            ctx.SetDims(0, [n]);
            if (n.IsKnown)
            {
                ctx.SetConst(0, Tensor.Scalar(n.Value));
            }
        }
        return ctx.One(DType.Int64, SymShape.Scalar);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, SymExpr.Const(8));
}
