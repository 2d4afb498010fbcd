namespace Axon.Compiler.Quantization.Calibration;

/// <summary>
/// KL-divergence calibration over the histogram of |x| (TensorRT's method, written from its definition). For each
/// candidate threshold i (in bins, from the number of quantization levels L up to all bins):
/// <list type="bullet">
/// <item>P is the histogram's first i bins with every count beyond the threshold added to bin i − 1 (clipping keeps them);</item>
/// <item>Q quantizes those first i bins into L levels (consecutive groups of about i / L bins) and expands each level
/// back over its group, spreading the level's count evenly over the group's non-empty bins (empty bins stay empty);</item>
/// <item>the threshold is the one that minimizes KL(P‖Q) = Σ p·ln(p / q) over the normalized P and Q.</item>
/// </list>
/// L is 128 for int8 (a sign bit leaves 7 bits for magnitudes) and 256 for a non-negative tensor encoded asymmetric
/// (uint8 from 0). The first bin (magnitudes near 0) takes no part: 0 is encoded exactly whatever the threshold, and
/// the spike of exact zeros a ReLU leaves would otherwise dominate the divergence and pull the threshold far too low.
/// The result is clipped to the observed [min, max].
/// </summary>
public sealed class EntropyCalibrator : ICalibrator
{
    public bool NeedsHistogram => true;

    public bool AbsoluteHistogram(bool symmetric) => true;

    public TensorRange Range(ActivationStatistics stats, bool symmetric)
    {
        if (!stats.Seen || stats.Bins is not { } bins || !(stats.BinWidth > 0))
        {
            return new MinMaxCalibrator().Range(stats, symmetric);
        }
        int levels = !symmetric && stats.Min >= 0 ? 256 : 128;
        var counts = (long[])bins.Clone();
        counts[0] = 0;
        int best = Threshold(counts, levels);
        float t = best * stats.BinWidth;
        return new TensorRange(MathF.Max(stats.Min, -t), MathF.Min(stats.Max, t));
    }

    /// <summary>The number of leading bins to keep (the threshold's upper bin edge) that minimizes KL(P‖Q).</summary>
    internal static int Threshold(long[] hist, int levels)
    {
        int n = hist.Length;
        if (n <= levels)
        {
            return n;
        }
        var p = new double[n];
        var q = new double[n];
        double bestKl = double.PositiveInfinity;
        int best = n;
        // Outlier mass beyond candidate i, kept as a running suffix sum.
        var suffix = new double[n + 1];
        for (int j = n - 1; j >= 0; j--)
        {
            suffix[j] = suffix[j + 1] + hist[j];
        }
        for (int i = levels; i <= n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                p[j] = hist[j];
            }
            p[i - 1] += suffix[i];
            Quantize(hist, i, levels, q);
            double kl = Divergence(p, q, i);
            if (kl < bestKl)
            {
                bestKl = kl;
                best = i;
            }
        }
        return best;
    }

    /// <summary>Q over the first <paramref name="i"/> bins: each of <paramref name="levels"/> groups' total spread over its non-empty bins.</summary>
    private static void Quantize(long[] hist, int i, int levels, double[] q)
    {
        double merge = (double)i / levels;
        for (int c = 0; c < levels; c++)
        {
            int start = (int)(c * merge);
            int end = c == levels - 1 ? i : (int)((c + 1) * merge);
            double total = 0;
            int nonzero = 0;
            for (int j = start; j < end; j++)
            {
                total += hist[j];
                nonzero += hist[j] != 0 ? 1 : 0;
            }
            double each = nonzero > 0 ? total / nonzero : 0;
            for (int j = start; j < end; j++)
            {
                q[j] = hist[j] != 0 ? each : 0;
            }
        }
    }

    /// <summary>KL(P‖Q) over the first <paramref name="i"/> bins after normalizing both; an empty Q bin where P has
    /// mass (only the last bin, which holds the clipped outliers, can be one) gets a tiny probability instead of zero.</summary>
    private static double Divergence(double[] p, double[] q, int i)
    {
        double sp = 0, sq = 0;
        for (int j = 0; j < i; j++)
        {
            sp += p[j];
            sq += q[j];
        }
        if (sp == 0 || sq == 0)
        {
            return double.PositiveInfinity;
        }
        const double eps = 1e-12;
        double kl = 0;
        for (int j = 0; j < i; j++)
        {
            if (p[j] > 0)
            {
                double pj = p[j] / sp, qj = Math.Max(q[j] / sq, eps);
                kl += pj * Math.Log(pj / qj);
            }
        }
        return kl;
    }
}
