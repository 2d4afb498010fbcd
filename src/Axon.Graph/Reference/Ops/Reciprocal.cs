namespace Axon.Graph.Reference.Ops;

[Op("Reciprocal")]
internal sealed class Reciprocal : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => 1 / x)];
}
