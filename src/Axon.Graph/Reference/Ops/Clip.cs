namespace Axon.Graph.Reference.Ops;

/// <summary>
/// min(max(x, lo), hi). Before opset 11 the bounds are float attributes (defaulting to the float32 range); from opset 11
/// they are optional scalar inputs of x's dtype (integers exact). When lo &gt; hi every value becomes hi. NaN stays NaN.
/// </summary>
[Op("Clip")]
internal sealed class Clip : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (ctx.Opset < 11)
        {
            double lo0 = ctx.Float("min", float.MinValue);
            double hi0 = ctx.Float("max", float.MaxValue);
            return [Elementwise.Unary(x, v => Math.Min(Math.Max(v, lo0), hi0))];
        }
        var loT = ctx.OptionalInput(1);
        var hiT = ctx.OptionalInput(2);
        foreach (var b in new[] { loT, hiT })
        {
            if (b is not null && (b.Length != 1 || b.DType != x.DType))
            {
                throw ctx.Error($"min/max must be single values of X's dtype {x.DType.OnnxName()}, got {b}");
            }
        }
        if (x.DType.IsInteger())
        {
            bool u64 = x.DType == DType.UInt64;
            long lo = loT?.GetInt64(0) ?? long.MinValue;
            long hi = hiT?.GetInt64(0) ?? (u64 ? -1 : long.MaxValue);
            if (u64)
            {
                // Compare uint64 as unsigned by flipping the sign bit.
                lo = loT is null ? long.MinValue : lo ^ long.MinValue;
                hi ^= long.MinValue;
                return [Elementwise.UnaryArith(x, v => v, v => (Math.Min(Math.Max(v ^ long.MinValue, lo), hi)) ^ long.MinValue)];
            }
            return [Elementwise.UnaryArith(x, v => v, v => Math.Min(Math.Max(v, lo), hi))];
        }
        double dlo = loT?.GetDouble(0) ?? double.NegativeInfinity;
        double dhi = hiT?.GetDouble(0) ?? double.PositiveInfinity;
        return [Elementwise.Unary(x, v => Math.Min(Math.Max(v, dlo), dhi))];
    }
}
