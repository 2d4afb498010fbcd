namespace Axon.Graph.Reference.Ops;

/// <summary>Mean over all spatial dims of N x C x D1..Dn; the spatial dims stay as 1.</summary>
[Op("GlobalAveragePool")]
internal sealed class GlobalAveragePool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [GlobalPool.Reduce(ctx, ctx.Input(0), max: false)];
}

/// <summary>Shared loop of the global pools.</summary>
internal static class GlobalPool
{
    public static Tensor Reduce(OpContext ctx, Tensor xt, bool max)
    {
        var s = xt.Shape;
        if (s.Length < 2)
        {
            throw ctx.Error($"global pooling needs an input of rank >= 2, got [{string.Join(",", s)}]");
        }
        int nc = s[0] * s[1];
        int inner = Tensor.CheckedLength(s.AsSpan(2));
        var x = xt.ToDoubles();
        var y = new double[nc];
        for (int i = 0; i < nc; i++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            for (int j = 0; j < inner; j++)
            {
                double v = x[i * inner + j];
                acc = max ? (v > acc || double.IsNaN(v) ? v : acc) : acc + v;
                if (double.IsNaN(acc))
                {
                    break;
                }
            }
            y[i] = max ? acc : acc / inner;
        }
        var shape = (int[])s.Clone();
        for (int d = 2; d < shape.Length; d++)
        {
            shape[d] = 1;
        }
        return Tensor.FromDoubles(xt.DType, y, shape);
    }
}
