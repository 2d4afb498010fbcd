namespace Axon.Graph.Reference.Ops;

[Op("Tanh")]
internal sealed class Tanh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Tanh(x))];
}
