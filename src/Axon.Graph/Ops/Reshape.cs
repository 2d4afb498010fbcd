using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Reshape: the target comes from the shape input (constant, or symbolic when built from Shape(x)); 0 copies the input
/// dim (unless allowzero), and one -1 takes what is left, solved symbolically (768*batch*seq / 768 = batch*seq).
/// </summary>
[Schema("Reshape")]
internal sealed class Reshape : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["allowzero"] = AttrKind.Int, ["shape"] = AttrKind.Ints, ["consumed_inputs"] = AttrKind.Ints,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        // Opset 1-4 carried the shape as an attribute; later, as input 1 whose values may be only partly known.
        long[]? raw = ctx.Opset < 5 ? ctx.Ints("shape") : ctx.ConstInts(1);
        Dim[]? target = raw is not null ? raw.Select(ShapeMath.Literal).ToArray() : ctx.DimsValue(1);
        if (target is null)
        {
            return ctx.Shape(1) is { HasRank: true, Rank: 1 } s && s[0].IsKnown
                ? ctx.One(t, Enumerable.Repeat(Dim.Unknown, (int)s[0].Value))
                : ctx.One(t, SymShape.UnknownRank);
        }
        bool allowZero = ctx.Int("allowzero", 0) != 0;
        var dims = new Dim[target.Length];
        int inferAt = -1;
        for (int i = 0; i < target.Length; i++)
        {
            long v = raw?[i] ?? ShapeMath.ValueOf(target[i]) ?? long.MinValue;
            if (v == -1)
            {
                if (inferAt >= 0)
                {
                    return ctx.Fail("shape has more than one -1");
                }
                inferAt = i;
                dims[i] = Dim.Unknown;
            }
            else if (v == 0 && !allowZero)
            {
                if (!x.HasRank)
                {
                    dims[i] = Dim.Unknown;
                }
                else if (i >= x.Rank)
                {
                    return ctx.Fail($"shape copies dim {i} but the input has rank {x.Rank}");
                }
                else
                {
                    dims[i] = x[i];
                }
            }
            else
            {
                dims[i] = ShapeMath.AsShapeDim(target[i]);
            }
        }
        if (inferAt >= 0 && x.HasRank)
        {
            var rest = SymExpr.Product(dims.Where((_, i) => i != inferAt));
            var total = SymExpr.Product(x);
            dims[inferAt] = total.DivideExact(rest).ToDim();
            if (total.IsConst && rest.IsConst && rest.ConstValue != 0 && total.ConstValue % rest.ConstValue != 0)
            {
                return ctx.Fail($"cannot reshape {x} into [{string.Join(",", target.Select(d => d.ToString()))}]");
            }
        }
        else if (x.IsStatic && dims.All(d => d.IsKnown) && SymExpr.Product(x).ConstValue != SymExpr.Product(dims).ConstValue)
        {
            return ctx.Fail($"cannot reshape {x} ({SymExpr.Product(x)} elements) into {new SymShape(dims)}");
        }
        return ctx.One(t, dims);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, SymExpr.Zero);
}
