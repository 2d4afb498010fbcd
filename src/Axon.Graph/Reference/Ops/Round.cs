namespace Axon.Graph.Reference.Ops;

/// <summary>Rounds half to even, as the spec requires (2.5 to 2, -1.5 to -2).</summary>
[Op("Round")]
internal sealed class Round : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Unary(MathKernels.RequireFloat(ctx, ctx.Input(0)), x => Math.Round(x, MidpointRounding.ToEven))];
}
