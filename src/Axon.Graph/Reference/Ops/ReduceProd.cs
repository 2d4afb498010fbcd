namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceProd; an empty group gives 1.</summary>
[Op("ReduceProd")]
internal sealed class ReduceProd : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx,
        (r, x) => r.FoldDouble(x, 1, (a, v) => a * v),
        (r, x) => r.FoldInt64(x, 1, (a, v) => unchecked(a * v)))];
}
