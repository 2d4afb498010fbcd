using System.Diagnostics;

namespace Axon.Runtime.Perf;

/// <summary>
/// Measures a model through the runtime the way production uses it: for every (precision, cores, batch size) point, load it on
/// that many cores, start <see cref="PerfOptions.Concurrency"/> closed-loop clients that each keep one request of the
/// point's batch size in flight through <see cref="ModelHandle.RunAsync"/> (the dynamic batcher), warm up, then
/// measure latency percentiles, throughput (rows/s) and CPU utilization.
/// </summary>
public static class PerfRunner
{
    public static IReadOnlyList<PerfPoint> Run(PerfOptions options, IProgress<PerfProgress>? progress = null, CancellationToken ct = default)
    {
        Check(options);
        var points = new List<PerfPoint>();
        var visible = CoreList.Resolve(null);
        if (options.Cores.FirstOrDefault(c => c > visible.Length) is > 0 and var tooMany)
        {
            throw new AxonException($"--cores {tooMany}: only {visible.Length} cores are available ({string.Join(",", visible)})", "AXR003");
        }
        IReadOnlyList<string?> precisions = options.Precisions is { Count: > 0 } p ? [.. p] : [null];
        int total = precisions.Count * options.Cores.Count * options.BatchSizes.Count, index = 0;
        foreach (var precision in precisions)
        {
            // The model is read and compiled once per precision for all its points.
            var prepared = PerfModels.Prepare(options, precision);
            var samples = options.InputsDir is { } dir ? SampleFeeds.Load(dir, [.. prepared.Model.Graph.RuntimeInputs]) : null;
            foreach (int cores in options.Cores)
            {
                foreach (int batch in options.BatchSizes)
                {
                    ct.ThrowIfCancellationRequested();
                    string label = $"{prepared.Precision}, batch {batch}, {cores} core{(cores == 1 ? "" : "s")}";
                    var local = index;
                    using (var point = new PerfPointSession(options, prepared, samples, visible[..cores], batch, ct))
                    {
                        points.Add(point.Measure(options.Duration, options.Iterations, f => progress?.Report(new PerfProgress(local, total, label, f)), ct));
                    }
                    index++;
                    progress?.Report(new PerfProgress(index, total, label, 1));
                }
            }
        }
        return points;
    }

    internal static void Check(PerfOptions o)
    {
        if (o.ModelPath is null && o.Model is null)
        {
            throw new AxonException("perf needs a model (a path or an in-memory model)", "AXR002");
        }
        if (o.BatchSizes.Count == 0 || o.BatchSizes.Any(b => b < 1) || o.Cores.Count == 0 || o.Cores.Any(c => c < 1))
        {
            throw new AxonException("batch sizes and core counts must be positive", "AXR002");
        }
        if (o.Concurrency < 1 || o.MaxBatch < 1 || o.MaxQueueDelayMicroseconds < 0 || o.Iterations is < 1 || o.Duration <= TimeSpan.Zero)
        {
            throw new AxonException("concurrency, max batch and iterations must be >= 1, the queue delay >= 0 and the duration positive", "AXR002");
        }
        foreach (var p in o.Precisions ?? [])
        {
            PerfPrecision.Apply(p, new Axon.Compiler.CompileOptions());
        }
    }

    /// <summary>Dollars per million inferences at <paramref name="pricePerHour"/> and <paramref name="throughput"/> inferences/s.</summary>
    public static double CostPerMillion(double pricePerHour, double throughput) => pricePerHour / (throughput * 3600) * 1e6;

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }
        int rank = (int)Math.Ceiling(q * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    // Client c sends feeds[c], feeds[c + clients], ... (wrapping), so sample data cycles through every request.
    internal static (List<double> Latencies, long Errors) RunClients(ModelHandle model, Dictionary<string, Tensor>[] feeds, int clients, TimeSpan duration,
        int? iterations, Action<double> report, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        long remaining = iterations ?? long.MaxValue;
        long errors = 0, done = 0;
        var perClient = new List<double>[clients];
        Exception? fatal = null;
        async Task Client(int c)
        {
            var lat = perClient[c] = [];
            int next = c % feeds.Length;
            while (!ct.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0 && (iterations is not null || sw.Elapsed < duration))
            {
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    var feed = feeds[next];
                    next = (next + clients) % feeds.Length;
                    await model.RunAsync(feed, null, CancellationToken.None).ConfigureAwait(false);
                    lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                catch (QueueFullException)
                {
                    Interlocked.Increment(ref errors);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref fatal, e, null);
                    return;
                }
                long d = Interlocked.Increment(ref done);
                if ((d & 63) == 0)
                {
                    report(iterations is { } n ? Math.Min(1, d / (double)n) : Math.Min(1, sw.Elapsed / duration));
                }
            }
        }
        var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c))).ToArray();
        Task.WaitAll(tasks);
        if (fatal is not null)
        {
            throw fatal is AxonException ? fatal : new AxonException($"a perf request failed: {fatal.Message}", "AXR040", fatal);
        }
        return ([.. perClient.SelectMany(l => l)], errors);
    }
}
