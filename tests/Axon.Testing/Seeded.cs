namespace Axon.Testing;

/// <summary>Seeded test data: the same seed gives the same values on every machine and run.</summary>
public static class Seeded
{
    /// <summary>A float32 tensor of the given shape, uniform in [-1, 1), from <c>new Random(seed)</c>.</summary>
    public static Tensor Uniform(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var d = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return Tensor.FromArray(d, shape);
    }
}
