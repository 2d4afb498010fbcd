namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise minimum of any number of inputs with broadcasting; NaN propagates.</summary>
[Op("Min")]
internal sealed class Min : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [MathKernels.Fold(ctx, (a, b) => MathKernels.Pick(a, b, greater: false))];
}
