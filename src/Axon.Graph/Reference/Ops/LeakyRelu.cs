namespace Axon.Graph.Reference.Ops;

/// <summary>x for x &gt;= 0, alpha * x otherwise (alpha defaults to 0.01).</summary>
[Op("LeakyRelu")]
internal sealed class LeakyRelu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 0.01f);
        return [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => x < 0 ? alpha * x : x)];
    }
}
