namespace Axon.Graph.Ops;

/// <summary>
/// LayerNormalization: Y has X's shape and type; the optional Mean and InvStdDev keep X's leading dims up to axis and
/// have 1 from there on, in the stash type (float unless said otherwise).
/// </summary>
[Schema("LayerNormalization")]
internal sealed class LayerNormalization : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["epsilon"] = AttrKind.Float, ["stash_type"] = AttrKind.Int,
    };

    protected override long FlopsPerElement => 8;

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public override TypeInfo[] InferTypes(InferContext ctx)
    {
        var r = base.InferTypes(ctx);
        var x = ctx.Shape(0);
        if (r.Length > 1 && x.HasRank && ctx.Axis(ctx.Int("axis", -1), x.Rank) is int axis)
        {
            var stat = TypeInfo.Tensor((DType)ctx.Int("stash_type", 1), new SymShape(x.Dims.Take(axis).Concat(Enumerable.Repeat(Dim.Known(1), x.Rank - axis))));
            for (int i = 1; i < r.Length; i++)
            {
                r[i] = stat;
            }
        }
        return r;
    }
}
