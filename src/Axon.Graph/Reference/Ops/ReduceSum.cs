namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceSum: axes is an attribute before opset 13 and an optional input from 13 on; <see cref="Reduction.FromNode"/> reads either.</summary>
[Op("ReduceSum")]
internal sealed class ReduceSum : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx,
        (r, x) => r.FoldDouble(x, 0, (a, v) => a + v),
        (r, x) => r.FoldInt64(x, 0, (a, v) => unchecked(a + v)))];
}
