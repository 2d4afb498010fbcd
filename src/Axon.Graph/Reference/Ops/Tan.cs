namespace Axon.Graph.Reference.Ops;

[Op("Tan")]
internal sealed class Tan : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Tan(x))];
}
