namespace Axon.Compiler.Quantization.Calibration;

/// <summary>
/// The largest magnitude of each channel (the last axis) of one activation over every sample it was shown: what
/// <see cref="SmoothQuant"/> balances against the weights. NaN and infinities are ignored.
/// </summary>
public sealed class ChannelStatistics
{
    public ChannelStatistics(string name, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Name = name;
        AbsMax = new float[channels];
    }

    public string Name { get; }

    /// <summary>max |x| per channel (0 where nothing was seen).</summary>
    public float[] AbsMax { get; }

    /// <summary>Rows observed so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Folds a tensor whose last axis is the channel axis (any leading shape) into the maxima.</summary>
    public void Observe(ReadOnlySpan<float> x)
    {
        int c = AbsMax.Length;
        if (x.Length % c != 0)
        {
            throw new AxonInputException($"activation '{Name}' has {x.Length} elements, not a multiple of its {c} channels", "AXQ071");
        }
        var max = AbsMax.AsSpan();
        for (int row = 0; row < x.Length; row += c)
        {
            var r = x.Slice(row, c);
            for (int j = 0; j < c; j++)
            {
                float v = MathF.Abs(r[j]);
                if (v > max[j] && float.IsFinite(v))
                {
                    max[j] = v;
                }
            }
        }
        Rows += x.Length / c;
    }
}
