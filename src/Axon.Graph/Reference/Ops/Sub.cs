namespace Axon.Graph.Reference.Ops;

[Op("Sub")]
internal sealed class Sub : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        return [Elementwise.Arith(a, b, (x, y) => x - y, (x, y) => unchecked(x - y))];
    }
}
