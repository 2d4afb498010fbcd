namespace Axon.Graph.Reference.Ops;

/// <summary>Max over all spatial dims of N x C x D1..Dn; the spatial dims stay as 1.</summary>
[Op("GlobalMaxPool")]
internal sealed class GlobalMaxPool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [GlobalPool.Reduce(ctx, ctx.Input(0), max: true)];
}
