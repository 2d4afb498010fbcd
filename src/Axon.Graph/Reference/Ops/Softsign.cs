namespace Axon.Graph.Reference.Ops;

[Op("Softsign")]
internal sealed class Softsign : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x / (1 + Math.Abs(x)))];
}
