namespace Axon.Graph.Reference.Ops;

[Op("Floor")]
internal sealed class Floor : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Floor(x))];
}
