namespace Axon.Graph.Reference.Ops;

[Op("Atanh")]
internal sealed class Atanh : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Atanh(x))];
}
