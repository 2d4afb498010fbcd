using System.Diagnostics;

namespace Axon.Runtime;

/// <summary>
/// The most recent request latencies with the time each finished: a ring of <see cref="Capacity"/> samples, so
/// percentiles over "the last N seconds" are exact (p0 is the true minimum, p100 the true maximum) as long as fewer
/// than <see cref="Capacity"/> requests finished in that window; above that they describe the newest
/// <see cref="Capacity"/> (reported through <see cref="LatencySummary.Truncated"/>). Several readers with different
/// windows may read at once: nothing is reset by reading. Recording is one short lock.
/// </summary>
public sealed class LatencyWindow
{
    private readonly long[] _at;
    private readonly double[] _ms;
    private readonly object _gate = new();
    private long _written;

    /// <summary>A window keeping the last <paramref name="capacity"/> samples (default 8192).</summary>
    public LatencyWindow(int capacity = 8192)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _at = new long[capacity];
        _ms = new double[capacity];
    }

    /// <summary>How many samples the ring keeps.</summary>
    public int Capacity => _ms.Length;

    /// <summary>Records one latency (milliseconds), stamped now.</summary>
    public void Record(double ms) => Record(ms, 0);

    // Stamped under the lock, so the ring is in time order and a reader may stop at the first sample too old.
    internal void Record(double ms, long timestamp)
    {
        lock (_gate)
        {
            if (timestamp == 0)
            {
                timestamp = Stopwatch.GetTimestamp();
            }
            int i = (int)(_written % _ms.Length);
            _at[i] = timestamp;
            _ms[i] = ms;
            _written++;
        }
    }

    /// <summary>Percentiles (each of <paramref name="quantiles"/> in 0..1, nearest rank) of the samples of the last <paramref name="window"/>.</summary>
    public LatencySummary Summarize(TimeSpan window, IReadOnlyList<double> quantiles) => Summarize(window, quantiles, Stopwatch.GetTimestamp());

    internal LatencySummary Summarize(TimeSpan window, IReadOnlyList<double> quantiles, long now)
    {
        long since = now - (long)(window.TotalSeconds * Stopwatch.Frequency);
        double[] picked;
        bool truncated;
        lock (_gate)
        {
            int n = (int)Math.Min(_written, _ms.Length);
            var list = new List<double>(Math.Min(n, 1024));
            // Newest first: stop at the first sample older than the window (samples are stamped in order).
            for (int k = 0; k < n; k++)
            {
                int i = (int)((_written - 1 - k) % _ms.Length);
                if (_at[i] < since)
                {
                    break;
                }
                list.Add(_ms[i]);
            }
            truncated = list.Count == _ms.Length && _written > _ms.Length;
            picked = [.. list];
        }
        Array.Sort(picked);
        var values = new double[quantiles.Count];
        for (int q = 0; q < values.Length; q++)
        {
            values[q] = picked.Length == 0 ? 0 : picked[NearestRank(quantiles[q], picked.Length)];
        }
        return new LatencySummary(picked.Length, picked.Length == 0 ? 0 : picked.Average(), quantiles.ToArray(), values, truncated);
    }

    // The smallest sample with at least q of the samples at or below it (q = 0 gives the minimum, 1 the maximum).
    private static int NearestRank(double q, int n) => Math.Clamp((int)Math.Ceiling(Math.Clamp(q, 0, 1) * n) - 1, 0, n - 1);
}

/// <summary>Latency percentiles over a window: how many samples, their mean, and one value per requested quantile.</summary>
public sealed record LatencySummary(int Count, double MeanMs, IReadOnlyList<double> Quantiles, IReadOnlyList<double> ValuesMs, bool Truncated);
