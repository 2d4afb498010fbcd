namespace Axon.Graph.Reference.Ops;

[Op("Log")]
internal sealed class Log : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Log(x))];
}
