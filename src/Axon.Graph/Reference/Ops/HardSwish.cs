namespace Axon.Graph.Reference.Ops;

/// <summary>x * HardSigmoid(x) with alpha = 1/6, beta = 0.5.</summary>
[Op("HardSwish")]
internal sealed class HardSwish : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)))];
    }
}
