namespace Axon.Graph.Ops;

/// <summary>Flatten: [d0..d(axis-1)] and [d(axis)..] each folded into one dim (products stay symbolic: 12*batch).</summary>
[Schema("Flatten")]
internal sealed class Flatten : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (!x.HasRank)
        {
            return ctx.One(ctx.ElemType(0), [Dim.Unknown, Dim.Unknown]);
        }
        long a = ctx.Int("axis", 1);
        if (a < 0)
        {
            a += x.Rank;
        }
        if (a < 0 || a > x.Rank)
        {
            return ctx.Fail($"axis {ctx.Int("axis", 1)} is out of range for rank {x.Rank}");
        }
        return ctx.One(ctx.ElemType(0), [ShapeMath.Product(x.Dims.Take((int)a)), ShapeMath.Product(x.Dims.Skip((int)a))]);
    }

    public OpCost Cost(CostContext ctx) => new(Analysis.SymExpr.Zero, Analysis.SymExpr.Zero, Analysis.SymExpr.Zero);
}
