using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>ConstantOfShape: the shape input's value (symbolic allowed) filled with 'value' (float32 0 by default).</summary>
[Schema("ConstantOfShape")]
internal sealed class ConstantOfShape : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["value"] = AttrKind.Tensor };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        DType t = ctx.Node.GetTensor("value")?.DType ?? DType.Float32;
        if (ctx.ShapeValue(0) is { } dims)
        {
            return ctx.One(t, dims);
        }
        return ctx.Shape(0) is { HasRank: true, Rank: 1 } s && s[0].IsKnown
            ? ctx.One(t, Enumerable.Repeat(Dim.Unknown, (int)s[0].Value))
            : ctx.One(t, SymShape.UnknownRank);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, CostContext.Bytes(ctx.Output(0)));
}
