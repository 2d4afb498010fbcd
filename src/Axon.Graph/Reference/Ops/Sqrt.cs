namespace Axon.Graph.Reference.Ops;

[Op("Sqrt")]
internal sealed class Sqrt : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Sqrt(x))];
}
