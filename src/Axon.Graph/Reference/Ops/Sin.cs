namespace Axon.Graph.Reference.Ops;

[Op("Sin")]
internal sealed class Sin : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Sin(x))];
}
