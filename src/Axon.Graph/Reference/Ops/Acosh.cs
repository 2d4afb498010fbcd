namespace Axon.Graph.Reference.Ops;

[Op("Acosh")]
internal sealed class Acosh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Acosh(x))];
}
