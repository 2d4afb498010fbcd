namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceL2: square root of the sum of squares, computed in double for every dtype (integers truncate once at the end).</summary>
[Op("ReduceL2")]
internal sealed class ReduceL2 : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx,
        (r, x) => r.FoldDouble(x, 0, (a, v) => a + v, (a, _) => Math.Sqrt(a), v => v * v),
        null)];
}
