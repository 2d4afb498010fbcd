namespace Axon.Graph.Reference;

/// <summary>Row statistics shared by the normalization ops.</summary>
internal static class Normalization
{
    /// <summary>Population mean and variance of a row.</summary>
    public static (double Mean, double Var) Moments(ReadOnlySpan<double> row)
    {
        double mean = 0;
        foreach (double v in row)
        {
            mean += v;
        }
        mean /= row.Length;
        double var = 0;
        foreach (double v in row)
        {
            var += (v - mean) * (v - mean);
        }
        return (mean, var / row.Length);
    }

    /// <summary>row = (row - mean) / sqrt(var + eps) * scale + bias, in place.</summary>
    public static void Standardize(Span<double> row, double eps, double scale = 1, double bias = 0)
    {
        var (mean, var) = Moments(row);
        double inv = 1 / Math.Sqrt(var + eps);
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = (row[k] - mean) * inv * scale + bias;
        }
    }

    /// <summary>The first normalized axis of LayerNormalization/RMSNormalization (default -1) in [0, rank).</summary>
    public static int Axis(OpContext ctx, int rank)
    {
        long a = ctx.Int("axis", -1);
        return Reduction.NormalizeAxis(ctx, a, rank);
    }

    /// <summary>A scale/bias input unidirectionally broadcast to X's shape, as doubles.</summary>
    public static double[] BroadcastTo(OpContext ctx, Tensor t, int[] shape, string what)
    {
        int[] s;
        try
        {
            s = Broadcast.Shape(t.Shape, shape);
        }
        catch (AxonModelException e)
        {
            throw ctx.Error($"{what}: {e.Message}");
        }
        if (!s.AsSpan().SequenceEqual(shape))
        {
            throw ctx.Error($"{what} of shape [{string.Join(",", t.Shape)}] does not broadcast to X's shape [{string.Join(",", shape)}]");
        }
        return Broadcast.To(t, shape).ToDoubles();
    }
}
