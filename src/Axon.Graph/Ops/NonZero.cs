namespace Axon.Graph.Ops;

/// <summary>NonZero: int64 [rank, count] where the count depends on the data (unknown).</summary>
[Schema("NonZero")]
internal sealed class NonZero : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx) =>
        ctx.One(DType.Int64, [ctx.Rank(0) is int r ? Dim.Known(r) : Dim.Unknown, Dim.Unknown]);
}
