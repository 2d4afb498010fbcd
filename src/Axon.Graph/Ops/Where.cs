namespace Axon.Graph.Ops;

/// <summary>Where: condition, X and Y broadcast together; the result has the type of X.</summary>
[Schema("Where")]
internal sealed class Where : BroadcastSchema
{
    protected override DType OutType(InferContext ctx) => ctx.ElemType(1);
}
