using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Gemm: Y = alpha * op(A) @ op(B) + beta * C with A and B 2-D (transposed per transA/transB), C broadcast to [M, N].</summary>
[Schema("Gemm")]
internal sealed class Gemm : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["alpha"] = AttrKind.Float, ["beta"] = AttrKind.Float, ["transA"] = AttrKind.Int, ["transB"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var b = ctx.Shape(1);
        DType t = ctx.ElemType(0);
        if (!a.HasRank || !b.HasRank)
        {
            return ctx.One(t, [Dim.Unknown, Dim.Unknown]);
        }
        if (a.Rank != 2 || b.Rank != 2)
        {
            return ctx.Fail($"A and B must be 2-D, got {a} and {b}");
        }
        bool ta = ctx.Int("transA", 0) != 0, tb = ctx.Int("transB", 0) != 0;
        Dim m = ta ? a[1] : a[0], ka = ta ? a[0] : a[1];
        Dim kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
        if (ka.IsKnown && kb.IsKnown && ka.Value != kb.Value)
        {
            return ctx.Fail($"inner dimensions {ka} and {kb} differ");
        }
        var y = new SymShape([m, n]);
        if (ctx.HasInput(2) && ctx.Shape(2) is { HasRank: true } c && ShapeMath.Broadcast([y, c], out _) is { } bc && bc.Rank > 2)
        {
            return ctx.Fail($"C of shape {c} does not broadcast to [M, N]");
        }
        return ctx.One(t, y);
    }

    public OpCost Cost(CostContext ctx)
    {
        var a = ctx.InputShape(0);
        if (!a.HasRank || a.Rank != 2)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        Dim k = ctx.Node.GetInt("transA", 0) != 0 ? a[0] : a[1];
        var mn = ctx.OutputElements(0);
        var flops = 2 * mn * SymExpr.Of(k);
        if (ctx.Input(2) is not null)
        {
            flops += mn;
        }
        return ctx.Memory(flops);
    }
}
