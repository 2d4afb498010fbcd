namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise maximum of any number of inputs with broadcasting; NaN propagates.</summary>
[Op("Max")]
internal sealed class Max : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [MathKernels.Fold(ctx, (a, b) => MathKernels.Pick(a, b, greater: true))];
}
