namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Remainder. fmod=1: C fmod (sign of the dividend). fmod=0: the result takes the sign of the divisor (Python/NumPy
/// mod); the spec requires fmod=1 for floats, but fmod=0 on floats is computed the same way rather than rejected.
/// </summary>
[Op("Mod")]
internal sealed class Mod : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        bool fmod = ctx.Int("fmod", 0) != 0;
        if (a.DType.IsInteger())
        {
            bool u64 = a.DType == DType.UInt64;
            return [MathKernels.IntBinary(a, b, (x, y) =>
            {
                if (y == 0)
                {
                    throw ctx.Error("integer modulo by zero");
                }
                if (u64)
                {
                    return unchecked((long)((ulong)x % (ulong)y));
                }
                long r = y == -1 ? 0 : x % y;
                if (!fmod && r != 0 && (r < 0) != (y < 0))
                {
                    r += y;
                }
                return r;
            })];
        }
        return [Elementwise.Binary(a, b, (x, y) =>
        {
            double r = x % y;
            if (!fmod && r != 0 && (r < 0) != (y < 0))
            {
                r += y;
            }
            return r;
        })];
    }
}
