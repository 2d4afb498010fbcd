namespace Axon.Graph.Reference.Ops;

[Op("Abs")]
internal sealed class Abs : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType.IsUnsignedInt())
        {
            // Unsigned values are their own absolute value (and uint64 above 2^63 must not be seen as negative).
            return [x.Clone()];
        }
        // Abs of the most negative value wraps to itself, as in two's complement hardware.
        return [Elementwise.UnaryArith(x, Math.Abs, v => v < 0 ? unchecked(-v) : v)];
    }
}
