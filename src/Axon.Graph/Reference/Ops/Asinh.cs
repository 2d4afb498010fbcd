namespace Axon.Graph.Reference.Ops;

[Op("Asinh")]
internal sealed class Asinh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Asinh(x))];
}
