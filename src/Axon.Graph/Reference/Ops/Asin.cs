namespace Axon.Graph.Reference.Ops;

[Op("Asin")]
internal sealed class Asin : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Asin(x))];
}
