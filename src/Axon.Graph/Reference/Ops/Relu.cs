namespace Axon.Graph.Reference.Ops;

/// <summary>max(x, 0); NaN propagates (Relu(NaN) is NaN, as with NumPy's maximum).</summary>
[Op("Relu")]
internal sealed class Relu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.UnaryArith(ctx.Input(0), x => double.IsNaN(x) || x > 0 ? x : 0, x => x > 0 ? x : 0)];
}
