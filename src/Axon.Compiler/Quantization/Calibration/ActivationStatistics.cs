namespace Axon.Compiler.Quantization.Calibration;

/// <summary>
/// What calibration learns about one activation over every sample: its minimum and maximum (first pass), then a
/// histogram of <see cref="Bins"/> equal bins over [min, max] of x, or over [0, max|x|] of |x| (second pass, with the
/// range fixed by the first, so every sample lands in the same bins). NaN and infinities are ignored.
/// </summary>
public sealed class ActivationStatistics
{
    public const int DefaultBins = 2048;

    public ActivationStatistics(string name) => Name = name;

    public string Name { get; }

    public float Min { get; private set; } = float.PositiveInfinity;

    public float Max { get; private set; } = float.NegativeInfinity;

    /// <summary>Elements seen in the first pass.</summary>
    public long Count { get; private set; }

    /// <summary>Histogram counts (null before <see cref="StartHistogram"/>).</summary>
    public long[]? Bins { get; private set; }

    /// <summary>True when the histogram counts |x|.</summary>
    public bool Absolute { get; private set; }

    /// <summary>The histogram's lower edge (0 when absolute).</summary>
    public float Lo { get; private set; }

    /// <summary>The histogram's upper edge.</summary>
    public float Hi { get; private set; }

    public float BinWidth => Bins is null || Hi <= Lo ? 0 : (Hi - Lo) / Bins.Length;

    /// <summary>Whether any finite value was seen.</summary>
    public bool Seen => Min <= Max;

    public void ObserveRange(ReadOnlySpan<float> x)
    {
        float lo = Min, hi = Max;
        foreach (float v in x)
        {
            if (float.IsFinite(v))
            {
                lo = MathF.Min(lo, v);
                hi = MathF.Max(hi, v);
            }
        }
        Min = lo;
        Max = hi;
        Count += x.Length;
    }

    /// <summary>Fixes the histogram's range from the first pass.</summary>
    public void StartHistogram(bool absolute, int bins = DefaultBins)
    {
        Absolute = absolute;
        Bins = new long[bins];
        Lo = absolute || !Seen ? 0 : Min;
        Hi = !Seen ? 0 : absolute ? MathF.Max(MathF.Abs(Min), MathF.Abs(Max)) : Max;
    }

    public void ObserveHistogram(ReadOnlySpan<float> x)
    {
        var bins = Bins ?? throw new InvalidOperationException("StartHistogram first");
        int last = bins.Length - 1;
        float width = Hi - Lo;
        if (!(width > 0))
        {
            // A constant tensor: everything in one bin.
            bins[0] += x.Length;
            return;
        }
        float inv = bins.Length / width;
        foreach (float v0 in x)
        {
            if (!float.IsFinite(v0))
            {
                continue;
            }
            float v = Absolute ? MathF.Abs(v0) : v0;
            int b = (int)((v - Lo) * inv);
            bins[Math.Clamp(b, 0, last)]++;
        }
    }
}
