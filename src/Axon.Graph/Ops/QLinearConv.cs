using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?): Conv's shape rule on x (input 0) and w (input 3),
/// in y_zero_point's type; axon:QLinearConv (the fused form with an output clamp) shares it.
/// </summary>
[Schema("QLinearConv")]
[Schema("QLinearConv", Domain = "axon")]
internal sealed class QLinearConv : IOpSchema
{
    public IReadOnlyDictionary<string, AttrKind> Attributes { get; } = new Dictionary<string, AttrKind>(WindowGeometry.Attrs)
    {
        ["qmin"] = AttrKind.Int, ["qmax"] = AttrKind.Int,
    };

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var w = ctx.Shape(3);
        DType t = ctx.ElemType(7) is var yt and not DType.Undefined ? yt : DType.UInt8;
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (x.Rank < 3 || w.HasRank && w.Rank != x.Rank)
        {
            return ctx.Fail($"input must be at least 3-D with a weight of the same rank, got {x} and {w}");
        }
        int spatial = x.Rank - 2;
        long[]? kw = w.HasRank && w.Dims.Skip(2).All(d => d.IsKnown) ? w.Dims.Skip(2).Select(d => d.Value).ToArray() : null;
        var dims = new List<Dim> { x[0], w.HasRank ? w[0] : Dim.Unknown };
        var geo = WindowGeometry.Read(ctx, spatial, kw);
        dims.AddRange(geo is null ? Enumerable.Repeat(Dim.Unknown, spatial) : geo.Output(x.Dims.Skip(2).ToArray()));
        return ctx.One(t, dims);
    }

    public OpCost Cost(CostContext ctx)
    {
        var w = ctx.InputShape(3);
        if (!w.HasRank || w.Rank < 2)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        return ctx.Memory(2 * ctx.OutputElements(0) * (SymExpr.Of(w[1]) * WindowGeometry.KernelVolume(w)));
    }
}
