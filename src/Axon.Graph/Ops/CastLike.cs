namespace Axon.Graph.Ops;

/// <summary>CastLike: input 0's shape with input 1's element type.</summary>
[Schema("CastLike")]
internal sealed class CastLike : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx) => ctx.One(ctx.ElemType(1), ctx.Shape(0));
}
