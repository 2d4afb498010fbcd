namespace Axon.Cli.Monitoring;

/// <summary>
/// What happened between two stats samples: rates and counts over the period, utilization of every core and vCPU, and
/// the state at its end. <c>axon monitor</c> prints it as JSON, <c>--prometheus</c> exposes it, <c>axon top</c> draws it.
/// </summary>
internal sealed record WindowView(
    long Sequence,
    DateTimeOffset Start,
    DateTimeOffset End,
    StatsSample Now,
    IReadOnlyList<ModelWindow> Models,
    IReadOnlyList<CoreWindow> Cores,
    IReadOnlyList<VcpuWindow> Vcpus,
    VcpuWindow? VcpuAverage,
    double ProcessCpuPercent,
    long[] GcCollections,
    double GcPauseMs)
{
    public double PeriodSeconds => Math.Max(1e-9, (End - Start).TotalSeconds);

    public static WindowView Between(StatsSample prev, StatsSample cur, long sequence)
    {
        double period = Math.Max(1e-9, (cur.Taken - prev.Taken).TotalSeconds);
        // A restarted server starts its counters again: count everything it reports as new in this period.
        bool restarted = cur.Pid != prev.Pid || cur.UptimeSeconds < prev.UptimeSeconds;
        if (restarted)
        {
            prev = prev with { Models = [], Cores = [], Process = prev.Process with { CpuSeconds = 0, GcCollections = [], GcPauseSeconds = 0 } };
        }
        var before = prev.Models.ToDictionary(m => m.Key);
        var models = cur.Models.Select(m => ModelWindow.Between(before.GetValueOrDefault(m.Key), m, period)).ToList();
        var coresBefore = prev.Cores.ToDictionary(c => c.Id);
        var cores = cur.Cores.Select(c =>
        {
            var p = coresBefore.GetValueOrDefault(c.Id);
            double busy = c.BusySeconds - (p?.BusySeconds ?? 0);
            return new CoreWindow(c.Id, Math.Clamp(100 * busy / period, 0, 100), c.Runs - (p?.Runs ?? 0), c.MemoryBytes, c.Models);
        }).ToList();
        var vcpuBefore = prev.Vcpus.ToDictionary(v => v.Id);
        var vcpus = cur.Vcpus.Where(v => vcpuBefore.ContainsKey(v.Id)).Select(v => VcpuWindow.Between(vcpuBefore[v.Id], v)).ToList();
        VcpuWindow? avg = vcpus.Count == 0 ? null : new VcpuWindow(-1, vcpus.Average(v => v.User), vcpus.Average(v => v.Nice),
            vcpus.Average(v => v.System), vcpus.Average(v => v.Idle), vcpus.Average(v => v.IoWait), vcpus.Average(v => v.Irq),
            vcpus.Average(v => v.SoftIrq), vcpus.Average(v => v.Steal));
        double cpu = 100 * (cur.Process.CpuSeconds - prev.Process.CpuSeconds) / period;
        var gc = cur.Process.GcCollections.Select((g, i) => g - (i < prev.Process.GcCollections.Length ? prev.Process.GcCollections[i] : 0)).ToArray();
        return new WindowView(sequence, prev.Taken, cur.Taken, cur, models, cores, vcpus, avg, Math.Max(0, cpu), gc,
            Math.Max(0, (cur.Process.GcPauseSeconds - prev.Process.GcPauseSeconds) * 1000));
    }
}

/// <summary>One model over a period: rates, period counts, latency percentiles of the period, and its state now.</summary>
internal sealed record ModelWindow(
    ModelStats Now,
    double RequestRate,
    double InferenceRate,
    double ExecutionRate,
    long Success,
    long Failure,
    ErrorCounts Errors,
    double QueueMeanMs,
    double ComputeMeanMs,
    double BatchMean,
    IReadOnlyList<(string Bucket, long Count)> Batches)
{
    public static ModelWindow Between(ModelStats? p, ModelStats c, double period)
    {
        long success = c.Success - (p?.Success ?? 0);
        long failure = c.Failure - (p?.Failure ?? 0);
        long inferences = c.Inferences - (p?.Inferences ?? 0);
        long executions = c.Executions - (p?.Executions ?? 0);
        var errors = p is null ? c.Errors : c.Errors.Minus(p.Errors);
        static double Mean((long Count, double Sum) now, (long Count, double Sum)? before)
        {
            long n = now.Count - (before?.Count ?? 0);
            return n > 0 ? (now.Sum - (before?.Sum ?? 0)) / n : 0;
        }
        var batches = new List<(string, long)>();
        for (int i = 0; i < c.BatchCounts.Length; i++)
        {
            long n = c.BatchCounts[i] - (p is not null && i < p.BatchCounts.Length ? p.BatchCounts[i] : 0);
            if (n <= 0)
            {
                continue;
            }
            // Bucket i holds sizes in (bounds[i-1], bounds[i]]; with the runtime's bounds most buckets are one size.
            double hi = i < c.BatchBounds.Length ? c.BatchBounds[i] : double.PositiveInfinity;
            double lo = i == 0 ? 0 : c.BatchBounds[i - 1];
            string label = double.IsInfinity(hi) ? $">{lo:0}" : hi - lo <= 1 ? $"{hi:0}" : $"{lo + 1:0}-{hi:0}";
            batches.Add((label, n));
        }
        double batchMean = executions > 0 ? (double)inferences / executions : 0;
        return new ModelWindow(c, success / period, inferences / period, executions / period, success, failure, errors,
            Mean(c.QueueMs, p?.QueueMs), Mean(c.ComputeMs, p?.ComputeMs), batchMean, batches);
    }
}

/// <summary>A logical core over a period: percent of the period its replicas ran, runs, memory and models placed on it.</summary>
internal sealed record CoreWindow(int Id, double UtilizationPercent, long Runs, long MemoryBytes, string[] Models);

/// <summary>A vCPU's time split over a period, in percent (from the host's /proc/stat).</summary>
internal sealed record VcpuWindow(int Id, double User, double Nice, double System, double Idle, double IoWait, double Irq, double SoftIrq, double Steal)
{
    public double Busy => 100 - Idle - IoWait;

    public static VcpuWindow Between(VcpuTicks a, VcpuTicks b)
    {
        double total = Math.Max(1, b.Total - a.Total);
        double P(long x, long y) => Math.Clamp(100.0 * (y - x) / total, 0, 100);
        return new VcpuWindow(b.Id, P(a.User, b.User), P(a.Nice, b.Nice), P(a.System, b.System), P(a.Idle, b.Idle), P(a.IoWait, b.IoWait),
            P(a.Irq, b.Irq), P(a.SoftIrq, b.SoftIrq), P(a.Steal, b.Steal));
    }
}
