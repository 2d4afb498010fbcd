namespace Axon.Graph.Reference.Ops;

[Op("Erf")]
internal sealed class Erf : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => MathKernels.Erf(x))];
}
