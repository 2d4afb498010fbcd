namespace Axon.Graph.Reference.Ops;

[Op("Exp")]
internal sealed class Exp : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Exp(x))];
}
