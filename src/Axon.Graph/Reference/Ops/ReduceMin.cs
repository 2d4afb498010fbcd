namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceMin; an empty group gives +inf for floats and the dtype's maximum for integers (bool: true).</summary>
[Op("ReduceMin")]
internal sealed class ReduceMin : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var t = ctx.Input(0).DType;
        bool u64 = t == DType.UInt64;
        return [Reduction.Run(ctx,
            (r, x) => r.FoldDouble(x, double.PositiveInfinity, Math.Min),
            (r, x) => r.FoldInt64(x, Reduction.IntRange(t).Max, (a, v) => u64 ? ((ulong)a <= (ulong)v ? a : v) : Math.Min(a, v)))];
    }
}
