namespace Axon.Graph.Reference.Ops;

/// <summary>max(0, min(1, alpha * x + beta)).</summary>
[Op("HardSigmoid")]
internal sealed class HardSigmoid : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 0.2f);
        double beta = ctx.Float("beta", 0.5f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Max(0, Math.Min(1, alpha * x + beta)))];
    }
}
