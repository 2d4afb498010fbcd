namespace Axon.Graph.Reference.Ops;

/// <summary>max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).</summary>
[Op("Celu")]
internal sealed class Celu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 1f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Max(0, x) + Math.Min(0, alpha * (Math.Exp(x / alpha) - 1)))];
    }
}
