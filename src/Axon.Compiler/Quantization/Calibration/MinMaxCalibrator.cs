namespace Axon.Compiler.Quantization.Calibration;

/// <summary>The observed range as it is: nothing clipped, so a single outlier widens every step.</summary>
public sealed class MinMaxCalibrator : ICalibrator
{
    public bool NeedsHistogram => false;

    public bool AbsoluteHistogram(bool symmetric) => symmetric;

    public TensorRange Range(ActivationStatistics stats, bool symmetric) =>
        !stats.Seen ? new TensorRange(0, 0) : new TensorRange(stats.Min, stats.Max);
}
