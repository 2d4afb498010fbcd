namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceLogSum: log of the sum; an empty group gives log(0) = -inf.</summary>
[Op("ReduceLogSum")]
internal sealed class ReduceLogSum : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx,
        (r, x) => r.FoldDouble(x, 0, (a, v) => a + v, (a, _) => Math.Log(a)),
        null)];
}
