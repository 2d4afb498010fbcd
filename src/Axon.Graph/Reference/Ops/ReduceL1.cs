namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceL1: sum of absolute values; an empty group gives 0. Unsigned values are their own absolute value.</summary>
[Op("ReduceL1")]
internal sealed class ReduceL1 : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        bool unsigned = ctx.Input(0).DType.IsUnsignedInt();
        return [Reduction.Run(ctx,
            (r, x) => r.FoldDouble(x, 0, (a, v) => a + v, pre: Math.Abs),
            (r, x) => r.FoldInt64(x, 0, (a, v) => unchecked(a + v), pre: v => v < 0 && !unsigned ? unchecked(-v) : v))];
    }
}
