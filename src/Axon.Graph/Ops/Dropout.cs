namespace Axon.Graph.Ops;

/// <summary>Dropout: output has the input's type; the optional mask is bool of the same shape.</summary>
[Schema("Dropout")]
internal sealed class Dropout : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["seed"] = AttrKind.Int, ["ratio"] = AttrKind.Float, ["is_test"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var r = ctx.One(ctx.Input(0) ?? TypeInfo.Unknown);
        if (r.Length > 1)
        {
            r[1] = TypeInfo.Tensor(DType.Bool, ctx.Shape(0));
        }
        return r;
    }
}
