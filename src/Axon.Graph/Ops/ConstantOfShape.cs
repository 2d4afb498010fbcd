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
            SetValue(ctx, dims);
            return ctx.One(t, dims);
        }
        return ctx.Shape(0) is { HasRank: true, Rank: 1 } s && s[0].IsKnown
            ? ctx.One(t, Enumerable.Repeat(Dim.Unknown, (int)s[0].Value))
            : ctx.One(t, SymShape.UnknownRank);
    }

    /// <summary>Small fills are known values: expanded functions build shapes from them (ones for reduced axes).</summary>
    private static void SetValue(InferContext ctx, Dim[] dims)
    {
        if (!dims.All(d => d.IsKnown) || dims.Aggregate(1L, (a, d) => a * d.Value) > 4096)
        {
            return;
        }
        var fill = ctx.Node.GetTensor("value") ?? Tensor.Scalar(0f);
        if (fill.DType == DType.String || fill.Length != 1)
        {
            return;
        }
        var shape = dims.Select(d => (int)d.Value).ToArray();
        double v = fill.ToDoubles()[0];
        var t = Tensor.FromDoubles(fill.DType, Enumerable.Repeat(v, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape);
        ctx.SetConst(0, t);
        if (fill.DType.IsInteger() && shape.Length == 1)
        {
            ctx.SetDims(0, Enumerable.Repeat(ShapeMath.Literal((long)v), shape[0]).ToArray());
        }
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, CostContext.Bytes(ctx.Output(0)));
}
