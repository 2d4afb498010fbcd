namespace Axon.Graph.Reference.Ops;

/// <summary>x for x &gt; alpha, 0 otherwise.</summary>
[Op("ThresholdedRelu")]
internal sealed class ThresholdedRelu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 1f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x > alpha ? x : 0)];
    }
}
