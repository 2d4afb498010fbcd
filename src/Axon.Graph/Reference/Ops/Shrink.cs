namespace Axon.Graph.Reference.Ops;

/// <summary>x + bias for x &lt; -lambd, x - bias for x &gt; lambd, 0 otherwise.</summary>
[Op("Shrink")]
internal sealed class Shrink : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double lambd = ctx.Float("lambd", 0.5f);
        double bias = ctx.Float("bias", 0f);
        // Any numeric type is allowed; integers go through double, which is exact for their range of interest.
        return [Elementwise.Unary(ctx.Input(0), x => x < -lambd ? x + bias : x > lambd ? x - bias : 0)];
    }
}
