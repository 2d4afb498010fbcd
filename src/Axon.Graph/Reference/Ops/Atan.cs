namespace Axon.Graph.Reference.Ops;

[Op("Atan")]
internal sealed class Atan : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Atan(x))];
}
