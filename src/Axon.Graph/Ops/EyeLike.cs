namespace Axon.Graph.Ops;

/// <summary>EyeLike: the input's shape, in 'dtype' when given, else the input's type.</summary>
[Schema("EyeLike")]
internal sealed class EyeLike : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["dtype"] = AttrKind.Int, ["k"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx) =>
        ctx.One(ctx.Node.HasAttr("dtype") ? (DType)ctx.Int("dtype", 1) : ctx.ElemType(0), ctx.Shape(0));
}
