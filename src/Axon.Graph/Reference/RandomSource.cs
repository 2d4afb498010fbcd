namespace Axon.Graph.Reference;

/// <summary>
/// The random stream behind the Random* and Multinomial reference ops: a Mersenne Twister seeded from the <c>seed</c>
/// attribute (a float in ONNX; its integer part is the seed), or from a fresh random seed when the attribute is absent,
/// as the spec leaves unseeded streams unspecified. The conformance data can only be matched in shape and dtype.
/// </summary>
internal static class RandomSource
{
    public static Mt19937 For(OpContext ctx)
    {
        if (ctx.Node.HasAttr("seed"))
        {
            float seed = ctx.Float("seed", 0);
            return new Mt19937(float.IsFinite(seed) ? unchecked((uint)(long)seed) : 0u);
        }
        return new Mt19937(unchecked((uint)Random.Shared.Next()));
    }

    /// <summary>Fills with uniform values in [low, high).</summary>
    public static double[] Uniform(Mt19937 rng, int n, double low, double high)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = low + (high - low) * rng.NextDouble();
        }
        return r;
    }

    /// <summary>Fills with normal values (Box-Muller on two uniforms per value).</summary>
    public static double[] Normal(Mt19937 rng, int n, double mean, double scale)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - rng.NextDouble(); // in (0, 1], so the log is finite
            double u2 = rng.NextDouble();
            r[i] = mean + scale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
        return r;
    }

    /// <summary>The output dtype from the <c>dtype</c> attribute (or <paramref name="def"/>); only float types are allowed.</summary>
    public static DType FloatDType(OpContext ctx, DType def)
    {
        var t = ctx.Node.HasAttr("dtype") ? (DType)ctx.Int("dtype", 0) : def;
        if (t is not (DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16))
        {
            throw ctx.Error($"random values can only be generated as float16, bfloat16, float or double, not {t.OnnxName()}");
        }
        return t;
    }

    /// <summary>The <c>shape</c> attribute of RandomUniform/RandomNormal.</summary>
    public static int[] Shape(OpContext ctx)
    {
        var s = ctx.Ints("shape") ?? throw ctx.Error("the 'shape' attribute is required");
        var shape = new int[s.Length];
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] < 0 || s[i] > int.MaxValue)
            {
                throw ctx.Error($"shape dimension {i} is {s[i]}");
            }
            shape[i] = (int)s[i];
        }
        Tensor.CheckedLength(shape);
        return shape;
    }
}
