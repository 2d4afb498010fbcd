namespace Axon.Graph.Reference.Ops;

/// <summary>x * sigmoid(alpha * x).</summary>
[Op("Swish")]
internal sealed class Swish : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 1f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x * MathKernels.Sigmoid(alpha * x))];
    }
}
