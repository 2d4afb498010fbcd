namespace Axon.Graph.Reference.Ops;

/// <summary>Sign: -1, 0 or 1; NaN stays NaN; unsigned values are never negative.</summary>
[Op("Sign")]
internal sealed class Sign : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        bool unsigned = x.DType.IsUnsignedInt();
        return [Elementwise.UnaryArith(x, v => v > 0 ? 1 : v < 0 ? -1 : v, v => unsigned ? (v != 0 ? 1 : 0) : Math.Sign(v))];
    }
}
