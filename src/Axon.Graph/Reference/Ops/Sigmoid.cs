namespace Axon.Graph.Reference.Ops;

[Op("Sigmoid")]
internal sealed class Sigmoid : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => MathKernels.Sigmoid(x))];
}
