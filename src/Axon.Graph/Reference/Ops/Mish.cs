namespace Axon.Graph.Reference.Ops;

[Op("Mish")]
internal sealed class Mish : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x * Math.Tanh(MathKernels.Softplus(x)))];
}
