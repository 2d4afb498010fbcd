namespace Axon.Graph.Reference.Ops;

[Op("Softplus")]
internal sealed class Softplus : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => MathKernels.Softplus(x))];
}
