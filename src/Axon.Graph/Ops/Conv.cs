using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Conv: X [N, C, D...] with W [M, C/group, k...] gives [N, M, out...]; the kernel may come from W's shape.</summary>
[Schema("Conv")]
[Schema("ConvInteger")]
internal sealed class Conv : IOpSchema
{
    public IReadOnlyDictionary<string, AttrKind> Attributes => WindowGeometry.Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var w = ctx.Shape(1);
        DType t = ctx.Node.OpType == "ConvInteger" ? DType.Int32 : ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (x.Rank < 3)
        {
            return ctx.Fail($"input must be at least 3-D, got {x}");
        }
        int spatial = x.Rank - 2;
        long[]? kw = w.HasRank && w.Rank == x.Rank && w.Dims.Skip(2).All(d => d.IsKnown) ? w.Dims.Skip(2).Select(d => d.Value).ToArray() : null;
        if (w.HasRank && w.Rank != x.Rank)
        {
            return ctx.Fail($"weight rank {w.Rank} differs from input rank {x.Rank}");
        }
        long group = ctx.Int("group", 1);
        if (w.HasRank && x[1].IsKnown && w[1].IsKnown && x[1].Value != w[1].Value * group)
        {
            return ctx.Fail($"input channels {x[1]} differ from weight channels {w[1]} x group {group}");
        }
        var dims = new List<Dim> { x[0], w.HasRank ? w[0] : Dim.Unknown };
        var geo = WindowGeometry.Read(ctx, spatial, kw);
        dims.AddRange(geo is null ? Enumerable.Repeat(Dim.Unknown, spatial) : geo.Output(x.Dims.Skip(2).ToArray()));
        return ctx.One(t, dims);
    }

    /// <summary>2 * (C/group * kernel volume) per output element, plus the bias add.</summary>
    public OpCost Cost(CostContext ctx)
    {
        var w = ctx.InputShape(1);
        if (!w.HasRank || w.Rank < 2)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        var perOut = SymExpr.Of(w[1]) * WindowGeometry.KernelVolume(w);
        var flops = 2 * ctx.OutputElements(0) * perOut;
        if (ctx.Input(2) is not null)
        {
            flops += ctx.OutputElements(0);
        }
        return ctx.Memory(flops);
    }
}
