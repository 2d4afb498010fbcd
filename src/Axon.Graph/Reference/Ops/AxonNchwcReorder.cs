namespace Axon.Graph.Reference.Ops;

/// <summary>axon:ReorderToNchwc(X [N, C, H, W]): the blocked NCHW16c tensor, padding lanes zero.</summary>
[Op("ReorderToNchwc", Domain = "axon")]
internal sealed class AxonReorderToNchwc : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [NchwcLayout.ToBlocked(ctx, ctx.Input(0))];
}

/// <summary>axon:ReorderFromNchwc(X){channels}: the plain NCHW tensor of the first <c>channels</c> lanes.</summary>
[Op("ReorderFromNchwc", Domain = "axon")]
internal sealed class AxonReorderFromNchwc : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [NchwcLayout.FromBlocked(ctx, ctx.Input(0), ctx.Int("channels", -1))];
}
