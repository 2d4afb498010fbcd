using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>MatMul: numpy matmul - 1-D operands are promoted and the added dim removed again; batch dims broadcast.</summary>
[Schema("MatMul")]
[Schema("MatMulInteger")]
internal sealed class MatMul : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var b = ctx.Shape(1);
        DType t = ctx.Node.OpType == "MatMulInteger" ? DType.Int32 : ctx.ElemType(0);
        if (!a.HasRank || !b.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (a.Rank == 0 || b.Rank == 0)
        {
            return ctx.Fail("MatMul operands must have rank >= 1");
        }
        var ad = a.Rank == 1 ? new[] { Dim.Known(1), a[0] } : a.Dims.ToArray();
        var bd = b.Rank == 1 ? new[] { b[0], Dim.Known(1) } : b.Dims.ToArray();
        Dim ka = ad[^1], kb = bd[^2];
        if (ka.IsKnown && kb.IsKnown && ka.Value != kb.Value)
        {
            return ctx.Fail($"inner dimensions {ka} and {kb} differ");
        }
        var batch = ShapeMath.Broadcast([new SymShape(ad[..^2]), new SymShape(bd[..^2])], out string? err);
        if (batch is null)
        {
            return ctx.Fail(err!);
        }
        var dims = batch.Dims.ToList();
        if (a.Rank > 1)
        {
            dims.Add(ad[^2]);
        }
        if (b.Rank > 1)
        {
            dims.Add(bd[^1]);
        }
        return ctx.One(t, dims);
    }

    /// <summary>2*M*N*K per batch entry: every output element is a K-long dot product.</summary>
    public OpCost Cost(CostContext ctx)
    {
        var a = ctx.InputShape(0);
        if (!a.HasRank || a.Rank == 0)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        return ctx.Memory(2 * ctx.OutputElements(0) * SymExpr.Of(a[a.Rank - 1]));
    }
}
