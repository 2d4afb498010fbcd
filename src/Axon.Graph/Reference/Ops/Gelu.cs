namespace Axon.Graph.Reference.Ops;

/// <summary>Gaussian error linear unit, exact (erf) or with the tanh approximation.</summary>
[Op("Gelu")]
internal sealed class Gelu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var approximate = ctx.String("approximate", "none");
        var x = MathKernels.RequireFloat(ctx, ctx.Input(0));
        return approximate switch
        {
            "none" => [Elementwise.Unary(x, v => 0.5 * v * (1 + MathKernels.Erf(v / Math.Sqrt(2))))],
            "tanh" => [Elementwise.Unary(x, v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))],
            _ => throw ctx.Error($"approximate must be \"none\" or \"tanh\", got \"{approximate}\""),
        };
    }
}
