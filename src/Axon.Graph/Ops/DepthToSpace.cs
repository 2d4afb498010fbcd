namespace Axon.Graph.Ops;

/// <summary>DepthToSpace (and SpaceToDepth): [N, C, H, W] to [N, C/b², H*b, W*b] (or back).</summary>
[Schema("DepthToSpace")]
[Schema("SpaceToDepth")]
internal sealed class DepthToSpace : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["blocksize"] = AttrKind.Int, ["mode"] = AttrKind.String };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        long b = ctx.Int("blocksize", 0);
        if (!x.HasRank || x.Rank != 4 || b <= 0)
        {
            return ctx.One(ctx.ElemType(0), x.HasRank && x.Rank == 4 ? new SymShape(x.Dims.Select(_ => Dim.Unknown)) : SymShape.UnknownRank);
        }
        static Dim Scale(Dim d, long num, long den) => d.IsKnown ? Dim.Known(d.Value * num / den) : Dim.Unknown;
        bool d2s = ctx.Node.OpType == "DepthToSpace";
        if (x[1].IsKnown && x[1].Value % (d2s ? b * b : 1) != 0)
        {
            return ctx.Fail($"channels {x[1]} are not divisible by blocksize² {b * b}");
        }
        return d2s
            ? ctx.One(ctx.ElemType(0), [x[0], Scale(x[1], 1, b * b), Scale(x[2], b, 1), Scale(x[3], b, 1)])
            : ctx.One(ctx.ElemType(0), [x[0], Scale(x[1], b * b, 1), Scale(x[2], 1, b), Scale(x[3], 1, b)]);
    }
}
