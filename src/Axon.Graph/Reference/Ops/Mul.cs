namespace Axon.Graph.Reference.Ops;

[Op("Mul")]
internal sealed class Mul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        // Wrapping 64-bit multiplication gives the right low bits for every integer width, signed or not.
        return [Elementwise.Arith(a, b, (x, y) => x * y, (x, y) => unchecked(x * y))];
    }
}
