namespace Axon.Graph.Reference.Ops;

/// <summary>gamma * x for x &gt; 0, gamma * (alpha * exp(x) - alpha) otherwise.</summary>
[Op("Selu")]
internal sealed class Selu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        // The defaults are the float32 values the spec lists.
        double alpha = ctx.Float("alpha", 1.67326319217681884765625f);
        double gamma = ctx.Float("gamma", 1.05070102214813232421875f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x > 0 ? gamma * x : gamma * (alpha * Math.Exp(x) - alpha))];
    }
}
