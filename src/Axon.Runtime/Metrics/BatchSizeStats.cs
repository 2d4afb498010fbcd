using System.Collections.Concurrent;

namespace Axon.Runtime;

/// <summary>
/// Executions and their cumulative compute time per exact batch size (rows before padding), the data behind the
/// KServe statistics extension's <c>batch_stats</c>. A size's cell is created the first time the size runs; after that
/// recording allocates nothing.
/// </summary>
public sealed class BatchSizeStats
{
    private readonly ConcurrentDictionary<int, Cell> _cells = new();

    /// <summary>One row per batch size that has run, smallest first.</summary>
    public IReadOnlyList<(int BatchSize, long Count, double ComputeMs)> Snapshot() =>
        _cells.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value.Count, kv.Value.Ms)).ToList();

    internal void Record(int rows, double ms)
    {
        var cell = _cells.GetOrAdd(rows, static _ => new Cell());
        cell.Add(ms);
    }

    private sealed class Cell
    {
        private long _count;
        private long _ticks; // 100 ns units, so sums stay exact integers under concurrent adds

        public long Count => Interlocked.Read(ref _count);

        public double Ms => Interlocked.Read(ref _ticks) / 1e4;

        public void Add(double ms)
        {
            Interlocked.Add(ref _ticks, (long)Math.Round(ms * 1e4));
            Interlocked.Increment(ref _count);
        }
    }
}
