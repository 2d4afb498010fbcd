using System.Collections.Concurrent;

namespace Axon.Training.Data;

/// <summary>One mini-batch: <see cref="Count"/> samples' pixels (row-major, sample after sample) and labels.</summary>
public sealed record Batch(int Epoch, int Index, int Count, float[] Pixels, int[] Labels);

/// <summary>
/// Shuffles (seeded per epoch, so a resumed run sees the same order) and assembles batches on a background thread,
/// keeping at most <c>prefetch</c> batches ready so the training loop never waits for data and memory stays bounded.
/// </summary>
public sealed class DataLoader
{
    private readonly LabeledImages _data;
    private readonly bool _shuffle;
    private readonly ulong _seed;
    private readonly bool _dropLast;
    private readonly int _prefetch;

    public DataLoader(LabeledImages data, int batchSize, bool shuffle, ulong seed, bool dropLast = true, int prefetch = 4)
    {
        if (batchSize < 1)
        {
            throw new AxonInputException($"batch size must be at least 1, got {batchSize}", "AXT110");
        }
        if (dropLast && data.Count < batchSize)
        {
            throw new AxonInputException($"the data set has {data.Count} samples, fewer than one batch of {batchSize}", "AXT110");
        }
        _data = data;
        BatchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _dropLast = dropLast;
        _prefetch = Math.Max(1, prefetch);
    }

    public int BatchSize { get; }

    /// <summary>Batches in one epoch (a final partial batch counts only when it is kept).</summary>
    public int BatchesPerEpoch => _dropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of an epoch: a permutation that depends only on the seed and the epoch number.</summary>
    public int[] Order(int epoch)
    {
        var order = new int[_data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        if (_shuffle)
        {
            var rng = new SplitMix64(_seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
            for (int i = order.Length - 1; i > 0; i--)
            {
                int j = (int)(rng.Next() % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return order;
    }

    /// <summary>The batches of <paramref name="epoch"/> from batch <paramref name="startBatch"/> on, produced in the background.</summary>
    public IEnumerable<Batch> Epoch(int epoch, int startBatch = 0)
    {
        using var queue = new BlockingCollection<Batch>(_prefetch);
        using var cts = new CancellationTokenSource();
        Exception? failure = null;
        var producer = new Thread(() =>
        {
            try
            {
                var order = Order(epoch);
                for (int b = startBatch; b < BatchesPerEpoch; b++)
                {
                    queue.Add(Make(order, epoch, b), cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = "axon-data" };
        producer.Start();
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                yield return batch;
            }
            if (failure is not null)
            {
                throw new AxonException($"data loading failed: {failure.Message}", "AXT111", failure);
            }
        }
        finally
        {
            cts.Cancel();
            producer.Join();
        }
    }

    private Batch Make(int[] order, int epoch, int b)
    {
        int start = b * BatchSize;
        int count = Math.Min(BatchSize, _data.Count - start);
        int size = _data.SampleSize;
        var px = new float[count * size];
        var lb = new int[count];
        for (int i = 0; i < count; i++)
        {
            int src = order[start + i];
            _data.Pixels.AsSpan(src * size, size).CopyTo(px.AsSpan(i * size));
            lb[i] = _data.Labels[src];
        }
        return new Batch(epoch, b, count, px, lb);
    }
}

/// <summary>SplitMix64: a tiny seeded generator whose whole state is one public number (so checkpoints can store it).</summary>
public sealed class SplitMix64(ulong state)
{
    public ulong State { get; set; } = state;

    public ulong Next()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
