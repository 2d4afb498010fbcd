namespace Axon.Graph.Reference.Ops;

/// <summary>ReduceMax; an empty group gives -inf for floats and the dtype's minimum for integers (bool: false &lt; true).</summary>
[Op("ReduceMax")]
internal sealed class ReduceMax : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var t = ctx.Input(0).DType;
        bool u64 = t == DType.UInt64;
        return [Reduction.Run(ctx,
            (r, x) => r.FoldDouble(x, double.NegativeInfinity, Math.Max),
            (r, x) => r.FoldInt64(x, Reduction.IntRange(t).Min, (a, v) => u64 ? ((ulong)a >= (ulong)v ? a : v) : Math.Max(a, v)))];
    }
}
