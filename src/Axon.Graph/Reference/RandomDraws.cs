namespace Axon.Graph.Reference;

/// <summary>
/// Shared sampling for the Random* ops. Values are random by nature, so only shape and dtype can be checked; a seed
/// attribute makes one executor run repeatable.
/// </summary>
internal static class RandomDraws
{
    public static Random For(OpContext ctx) =>
        ctx.Node.HasAttr("seed") ? new Random(BitConverter.SingleToInt32Bits(ctx.Float("seed", 0))) : Random.Shared;

    /// <summary>Uniform draws in [low, high) or normal draws (mean, scale) for a tensor of <paramref name="shape"/>.</summary>
    public static Tensor Draw(OpContext ctx, DType dtype, int[] shape, bool normal)
    {
        var rng = For(ctx);
        var v = new double[Tensor.CheckedLength(shape)];
        if (normal)
        {
            double mean = ctx.Float("mean", 0), scale = ctx.Float("scale", 1);
            for (int i = 0; i < v.Length; i++)
            {
                // Box-Muller transform; 1 - u keeps the logarithm finite.
                double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
                v[i] = mean + scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            }
        }
        else
        {
            double low = ctx.Float("low", 0), high = ctx.Float("high", 1);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = low + (high - low) * rng.NextDouble();
            }
        }
        return Tensor.FromDoubles(dtype, v, shape);
    }

    /// <summary>The dtype attribute if present, else <paramref name="fallback"/>.</summary>
    public static DType DTypeOr(OpContext ctx, DType fallback) =>
        ctx.Node.HasAttr("dtype") ? (DType)ctx.Int("dtype", (long)fallback) : fallback;

    /// <summary>The required shape attribute of RandomUniform/RandomNormal.</summary>
    public static int[] ShapeAttr(OpContext ctx) =>
        (ctx.Ints("shape") ?? throw ctx.Error("missing shape attribute")).Select(d => checked((int)d)).ToArray();
}
