namespace Axon.Runtime;

/// <summary>
/// A thread-safe histogram over fixed bucket upper bounds (cumulative snapshots map directly onto Prometheus buckets).
/// Recording is one short lock; snapshots copy the counts.
/// </summary>
public sealed class Histogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private readonly object _gate = new();
    private long _count;
    private double _sum;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    /// <summary>A histogram with the given ascending upper bounds (a final +Inf bucket is implicit).</summary>
    public Histogram(IReadOnlyList<double> bounds)
    {
        _bounds = [.. bounds];
        for (int i = 1; i < _bounds.Length; i++)
        {
            if (_bounds[i] <= _bounds[i - 1])
            {
                throw new ArgumentException("histogram bounds must ascend", nameof(bounds));
            }
        }
        _counts = new long[_bounds.Length + 1];
    }

    /// <summary>Bounds for millisecond latencies: 0.05 ms to ~100 s, about 19% apart.</summary>
    public static double[] LatencyBoundsMs { get; } = Exponential(0.05, 1.19, 84);

    /// <summary>Bounds for batch sizes 1..1024.</summary>
    public static double[] BatchBounds { get; } = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024];

    /// <summary>Geometric bounds: start, start*factor, ... (count of them).</summary>
    public static double[] Exponential(double start, double factor, int count)
    {
        var b = new double[count];
        double v = start;
        for (int i = 0; i < count; i++, v *= factor)
        {
            b[i] = Math.Round(v, 6);
        }
        return b;
    }

    public void Record(double value)
    {
        int i = Array.BinarySearch(_bounds, value);
        if (i < 0)
        {
            i = ~i;
        }
        lock (_gate)
        {
            _counts[i]++;
            _count++;
            _sum += value;
            if (value < _min)
            {
                _min = value;
            }
            if (value > _max)
            {
                _max = value;
            }
        }
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new HistogramSnapshot(_bounds, (long[])_counts.Clone(), _count, _sum, _count == 0 ? 0 : _min, _count == 0 ? 0 : _max);
        }
    }
}

/// <summary>A copy of a <see cref="Histogram"/>: per-bucket counts (not cumulative), count, sum, min, max.</summary>
public sealed class HistogramSnapshot
{
    internal HistogramSnapshot(double[] bounds, long[] counts, long count, double sum, double min, double max)
    {
        Bounds = bounds;
        Counts = counts;
        Count = count;
        Sum = sum;
        Min = min;
        Max = max;
    }

    /// <summary>Bucket upper bounds; <see cref="Counts"/> has one more entry (values above the last bound).</summary>
    public IReadOnlyList<double> Bounds { get; }
    public IReadOnlyList<long> Counts { get; }
    public long Count { get; }
    public double Sum { get; }
    public double Min { get; }
    public double Max { get; }
    public double Mean => Count == 0 ? 0 : Sum / Count;

    /// <summary>An estimate of quantile q (0..1): linear interpolation inside the bucket, clamped to [Min, Max].</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        double rank = Math.Clamp(q, 0, 1) * Count;
        long seen = 0;
        for (int i = 0; i < Counts.Count; i++)
        {
            if (Counts[i] == 0)
            {
                continue;
            }
            if (seen + Counts[i] >= rank)
            {
                double lo = i == 0 ? Min : Bounds[i - 1];
                double hi = i < Bounds.Count ? Bounds[i] : Max;
                double frac = (rank - seen) / Counts[i];
                return Math.Clamp(lo + (hi - lo) * frac, Min, Max);
            }
            seen += Counts[i];
        }
        return Max;
    }
}
