namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceSumSquare: sum of squares; an empty group gives 0.</summary>
[Op("ReduceSumSquare")]
internal sealed class ReduceSumSquare : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx,
        (r, x) => r.FoldDouble(x, 0, (a, v) => a + v, pre: v => v * v),
        (r, x) => r.FoldInt64(x, 0, (a, v) => unchecked(a + v), pre: v => unchecked(v * v)))];
}
