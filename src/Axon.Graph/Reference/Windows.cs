namespace Axon.Graph.Reference;

/// <summary>Generalized cosine windows: w[n] = Σ_k (-1)^k a_k cos(2πkn/N), N = size (periodic) or size-1 (symmetric).</summary>
internal static class Windows
{
    public static IValue?[] Cosine(OpContext ctx, params double[] a)
    {
        long size = ControlFlow.ScalarInt(ctx, ctx.Input(0), "size");
        if (size < 0)
        {
            throw ctx.Error($"size {size} must not be negative");
        }
        bool periodic = ctx.Int("periodic", 1) != 0;
        double denom = periodic ? size : size - 1;
        var w = new double[size];
        for (int i = 0; i < size; i++)
        {
            double s = 0;
            for (int k = 0; k < a.Length; k++)
            {
                s += (k % 2 == 0 ? 1 : -1) * a[k] * (denom == 0 ? 1 : Math.Cos(2 * Math.PI * k * i / denom));
            }
            w[i] = s;
        }
        return [Tensor.FromDoubles((DType)ctx.Int("output_datatype", (long)DType.Float32), w, (int)size)];
    }
}
