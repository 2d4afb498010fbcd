namespace Axon.Graph.Reference.Ops;

/// <summary>
/// LRN: y = x / (bias + alpha/size * sum of x^2 over a window of channels)^beta. The window spans
/// [c - floor((size-1)/2), c + ceil((size-1)/2)] clipped to [0, C).
/// </summary>
[Op("LRN")]
internal sealed class LRN : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var shape = xt.Shape;
        double alpha = ctx.Float("alpha", 1e-4f);
        double beta = ctx.Float("beta", 0.75f);
        double bias = ctx.Float("bias", 1f);
        long size = ctx.Int("size", 0);
        if (size <= 0)
        {
            throw ctx.Error("size must be a positive integer");
        }
        if (shape.Length < 2)
        {
            throw ctx.Error($"X must have rank 2 or more, got [{string.Join(",", shape)}]");
        }
        int c = shape[1];
        int inner = AxisRows.Prod(shape, 2, shape.Length);
        int lo = (int)((size - 1) / 2);
        int hi = (int)(size - 1 - lo);
        var x = xt.ToDoubles();
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / inner % c;
            int baseIdx = i - ch * inner;
            double sum = 0;
            for (int j = Math.Max(0, ch - lo); j <= Math.Min(c - 1, ch + hi); j++)
            {
                double v = x[baseIdx + j * inner];
                sum += v * v;
            }
            y[i] = x[i] / Math.Pow(bias + alpha / size * sum, beta);
        }
        return [Tensor.FromDoubles(xt.DType, y, shape)];
    }
}
