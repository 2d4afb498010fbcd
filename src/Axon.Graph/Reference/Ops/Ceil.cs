namespace Axon.Graph.Reference.Ops;

[Op("Ceil")]
internal sealed class Ceil : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Ceiling(x))];
}
