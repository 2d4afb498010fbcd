namespace Axon.Graph.Ops;

/// <summary>GridSample: [N, C] from X followed by the grid's spatial dims ([N, H_out, W_out, 2] gives [N, C, H_out, W_out]).</summary>
[Schema("GridSample")]
internal sealed class GridSample : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["align_corners"] = AttrKind.Int, ["mode"] = AttrKind.String, ["padding_mode"] = AttrKind.String,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var grid = ctx.Shape(1);
        if (!x.HasRank || !grid.HasRank || x.Rank < 3 || grid.Rank != x.Rank)
        {
            return ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
        }
        return ctx.One(ctx.ElemType(0), new[] { x[0], x[1] }.Concat(grid.Dims.Skip(1).Take(grid.Rank - 2)));
    }
}
