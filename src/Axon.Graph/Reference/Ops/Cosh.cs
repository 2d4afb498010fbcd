namespace Axon.Graph.Reference.Ops;

[Op("Cosh")]
internal sealed class Cosh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Cosh(x))];
}
