namespace Axon.Graph.Ops;

/// <summary>Cast: same shape, element type from 'to'; integer shape values stay symbolic through an integer cast.</summary>
[Schema("Cast")]
internal sealed class Cast : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["to"] = AttrKind.Int, ["saturate"] = AttrKind.Int, ["round_mode"] = AttrKind.String,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var to = (DType)ctx.Int("to", 0);
        if (to.IsInteger() && ctx.ElemType(0).IsInteger() && ctx.DimsValue(0) is { } d)
        {
            ctx.SetDims(0, d);
        }
        return ctx.One(to, ctx.Shape(0));
    }
}
