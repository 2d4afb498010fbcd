namespace Axon.Compiler.Quantization.Calibration;

/// <summary>How calibration turns an activation's observed values into the range its 8-bit encoding covers.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum (no clipping).</summary>
    MinMax,

    /// <summary>Clip at a percentile of the observed magnitudes (or values, for asymmetric ranges).</summary>
    Percentile,

    /// <summary>The clipping threshold that minimizes the KL divergence between the FP32 and the quantized distribution.</summary>
    Entropy,
}

/// <summary>The real interval [Min, Max] one tensor's 8-bit encoding represents.</summary>
public readonly record struct TensorRange(float Min, float Max)
{
    /// <summary>The larger magnitude (the symmetric half-range).</summary>
    public float AbsMax => MathF.Max(MathF.Abs(Min), MathF.Abs(Max));
}

/// <summary>One calibration method: the range of a tensor from its statistics (min/max pass, then histogram pass).</summary>
public interface ICalibrator
{
    /// <summary>True when the method needs the histogram (second pass over the samples), not only min and max.</summary>
    bool NeedsHistogram { get; }

    /// <summary>True when the histogram should be of magnitudes |x| over [0, max|x|] rather than of x over [min, max].</summary>
    bool AbsoluteHistogram(bool symmetric);

    /// <summary>The range to encode; <paramref name="symmetric"/>: the caller will use [-AbsMax, AbsMax].</summary>
    TensorRange Range(ActivationStatistics stats, bool symmetric);
}

/// <summary>Creates the calibrator for a method.</summary>
public static class Calibrators
{
    public static ICalibrator Create(CalibrationMethod method, double percentile = 99.99) => method switch
    {
        CalibrationMethod.MinMax => new MinMaxCalibrator(),
        CalibrationMethod.Percentile => new PercentileCalibrator(percentile),
        CalibrationMethod.Entropy => new EntropyCalibrator(),
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Parses minmax, percentile or entropy (as the CLI spells them).</summary>
    public static CalibrationMethod Parse(string name) => name.ToLowerInvariant() switch
    {
        "minmax" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        "entropy" => CalibrationMethod.Entropy,
        _ => throw new AxonInputException($"calibration method '{name}' is not minmax, percentile or entropy", "AXQ020"),
    };
}
