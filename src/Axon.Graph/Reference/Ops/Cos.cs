namespace Axon.Graph.Reference.Ops;

[Op("Cos")]
internal sealed class Cos : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Cos(x))];
}
