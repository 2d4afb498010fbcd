namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceMean; an empty group gives 0/0 = NaN for floats. Integer means truncate toward zero (uint64 divides unsigned).</summary>
[Op("ReduceMean")]
internal sealed class ReduceMean : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        bool u64 = ctx.Input(0).DType == DType.UInt64;
        return [Reduction.Run(ctx,
            (r, x) => r.FoldDouble(x, 0, (a, v) => a + v, (a, n) => a / n),
            (r, x) => r.FoldInt64(x, 0, (a, v) => unchecked(a + v), (a, n) => n == 0 ? 0 : u64 ? (long)((ulong)a / (ulong)n) : a / n))];
    }
}
