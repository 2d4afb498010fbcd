namespace Axon.Graph.Reference.Ops;

/// <summary>x for x &gt;= 0, alpha * (exp(x) - 1) otherwise.</summary>
[Op("Elu")]
internal sealed class Elu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 1f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x < 0 ? alpha * (Math.Exp(x) - 1) : x)];
    }
}
