namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise sum of any number of inputs with broadcasting.</summary>
[Op("Sum")]
internal sealed class Sum : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [MathKernels.Fold(ctx, (a, b) => Elementwise.Arith(a, b, (x, y) => x + y, (x, y) => unchecked(x + y)))];
}
