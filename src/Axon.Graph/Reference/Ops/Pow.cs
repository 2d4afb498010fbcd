namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Power; the output has the base's dtype. Integer base with integer exponent is exact (wrapping), anything involving a
/// float exponent computes in double and converts once (truncating for integer bases).
/// </summary>
[Op("Pow")]
internal sealed class Pow : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = MathKernels.LegacyB(ctx, a, ctx.Input(1));
        if (a.DType.IsInteger() && b.DType.IsInteger())
        {
            return [MathKernels.IntBinary(a, b, IntPow)];
        }
        return [Elementwise.Binary(a, b, Math.Pow, a.DType)];
    }

    private static long IntPow(long x, long n)
    {
        if (n < 0)
        {
            // Integer results of x^-n: only |x| == 1 gives a nonzero truncated value.
            return x == 1 ? 1 : x == -1 ? ((n & 1) == 0 ? 1 : -1) : 0;
        }
        long r = 1;
        unchecked
        {
            while (n > 0)
            {
                if ((n & 1) != 0)
                {
                    r *= x;
                }
                x *= x;
                n >>= 1;
            }
        }
        return r;
    }
}
