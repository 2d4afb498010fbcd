namespace Axon.Graph.Ops;

/// <summary>GatherElements: the indices' shape with the data's element type.</summary>
[Schema("GatherElements")]
internal sealed class GatherElements : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx) => ctx.One(ctx.ElemType(0), ctx.Shape(1));
}
