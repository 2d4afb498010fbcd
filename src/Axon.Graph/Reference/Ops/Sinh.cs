namespace Axon.Graph.Reference.Ops;

[Op("Sinh")]
internal sealed class Sinh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Sinh(x))];
}
