namespace Axon.Graph.Reference.Ops;

/// <summary>Division; integers truncate toward zero like C (the spec's integer semantics), uint64 divides unsigned.</summary>
[Op("Div")]
internal sealed class Div : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        if (a.DType.IsInteger())
        {
            bool u64 = a.DType == DType.UInt64;
            return [MathKernels.IntBinary(a, b, (x, y) =>
            {
                if (y == 0)
                {
                    throw ctx.Error("integer division by zero");
                }
                return u64 ? unchecked((long)((ulong)x / (ulong)y)) : x == long.MinValue && y == -1 ? x : x / y;
            })];
        }
        return [Elementwise.Binary(a, b, (x, y) => x / y)];
    }
}
