namespace Axon.Compiler.Quantization.Calibration;

/// <summary>
/// Clips the rarest values: symmetric ranges end at the <see cref="Percentile"/>-th percentile of |x|; asymmetric ones
/// run from the (100 − p)-th to the p-th percentile of x. Percentiles are read off the histogram, at the upper edge of
/// the bin where the cumulative count first reaches the fraction (so the result never cuts inside a bin).
/// </summary>
public sealed class PercentileCalibrator : ICalibrator
{
    public PercentileCalibrator(double percentile)
    {
        if (!(percentile > 50 && percentile <= 100))
        {
            throw new AxonInputException($"--percentile must be in (50, 100], not {percentile}", "AXQ021");
        }
        Percentile = percentile;
    }

    public double Percentile { get; }

    public bool NeedsHistogram => true;

    public bool AbsoluteHistogram(bool symmetric) => symmetric;

    public TensorRange Range(ActivationStatistics stats, bool symmetric)
    {
        if (!stats.Seen || stats.Bins is not { } bins)
        {
            return new MinMaxCalibrator().Range(stats, symmetric);
        }
        double p = Percentile / 100;
        if (stats.Absolute)
        {
            float t = UpperEdge(stats, Index(bins, p));
            return new TensorRange(MathF.Max(stats.Min, -t), MathF.Min(stats.Max, t));
        }
        float lo = stats.Lo + Index(bins, 1 - p) * stats.BinWidth;
        float hi = UpperEdge(stats, Index(bins, p));
        return new TensorRange(MathF.Max(stats.Min, lo), MathF.Min(stats.Max, hi));
    }

    private static float UpperEdge(ActivationStatistics s, int bin) => s.Lo + (bin + 1) * s.BinWidth;

    /// <summary>The first bin where the cumulative count reaches fraction <paramref name="f"/> of the total.</summary>
    internal static int Index(long[] bins, double f)
    {
        long total = 0;
        foreach (long b in bins)
        {
            total += b;
        }
        double target = f * total;
        long run = 0;
        for (int i = 0; i < bins.Length; i++)
        {
            run += bins[i];
            if (run >= target && run > 0)
            {
                return i;
            }
        }
        return bins.Length - 1;
    }
}
