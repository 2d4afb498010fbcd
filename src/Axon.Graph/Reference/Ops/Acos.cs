namespace Axon.Graph.Reference.Ops;

[Op("Acos")]
internal sealed class Acos : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Acos(x))];
}
