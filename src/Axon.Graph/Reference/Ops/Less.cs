namespace Axon.Graph.Reference.Ops;

[Op("Less")]
internal sealed class Less : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        return [Elementwise.Compare(a, b, (x, y) => x < y, (x, y) => x < y)];
    }
}
