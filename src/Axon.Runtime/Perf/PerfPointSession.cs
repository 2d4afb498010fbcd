using System.Diagnostics;

namespace Axon.Runtime.Perf;

/// <summary>
/// One point of an <c>axon perf</c> sweep held open: the model loaded on its cores with its batching options, the
/// clients' inputs generated and the warm-up done, ready to be measured any number of times. <see cref="PerfRunner"/>
/// measures each point once; a benchmark that compares <c>axon perf</c> with another measurement side by side opens a
/// point and alternates short <see cref="Measure"/> calls with its own runs, so both see the same machine load.
/// <code>
/// using var point = PerfPointSession.Open(new PerfOptions { ModelPath = "minilm.onnx", Dims = new() { ["sequence"] = 128 } }, batch: 1, cores: 2);
/// var p = point.Measure(iterations: 20);   // p.P50Ms, p.Throughput, ...
/// </code>
/// </summary>
public sealed class PerfPointSession : IDisposable
{
    private readonly PerfOptions _o;
    private readonly PreparedPerfModel _prepared;
    private readonly AxonRuntime _runtime;
    private readonly ModelHandle _model;
    private readonly Dictionary<string, Tensor>[] _feeds;
    private readonly int _cores;
    private readonly int _batch;

    /// <summary>Opens the point (<paramref name="batch"/>, the first <paramref name="cores"/> visible cores) of
    /// <paramref name="options"/>'s model at its first precision (FP32 when none is given).</summary>
    public static PerfPointSession Open(PerfOptions options, int batch, int cores, CancellationToken ct = default)
    {
        PerfRunner.Check(options);
        if (batch < 1 || cores < 1)
        {
            throw new AxonException("batch sizes and core counts must be positive", "AXR002");
        }
        var visible = CoreList.Resolve(null);
        if (cores > visible.Length)
        {
            throw new AxonException($"--cores {cores}: only {visible.Length} cores are available ({string.Join(",", visible)})", "AXR003");
        }
        var prepared = PerfModels.Prepare(options, options.Precisions is { Count: > 0 } p ? p[0] : null);
        var samples = options.InputsDir is { } dir ? SampleFeeds.Load(dir, [.. prepared.Model.Graph.RuntimeInputs]) : null;
        return new PerfPointSession(options, prepared, samples, visible[..cores], batch, ct);
    }

    internal PerfPointSession(PerfOptions o, PreparedPerfModel prepared, SampleFeeds? samples, int[] cores, int batch, CancellationToken ct)
    {
        _o = o;
        _prepared = prepared;
        _cores = cores.Length;
        _batch = batch;
        _runtime = new AxonRuntime(new RuntimeOptions { Cores = cores });
        try
        {
            var modelOptions = new ModelOptions
            {
                Name = prepared.Loaded.Name,
                Placement = o.Placement,
                BatchProfiles = prepared.Loaded.Profiles,
                Buckets = prepared.Loaded.Buckets,
                Batching = new BatchingOptions
                {
                    MaxBatchSize = Math.Max(o.MaxBatch, 1),
                    MaxQueueDelayMicroseconds = o.MaxBatch > 1 ? o.MaxQueueDelayMicroseconds : 0,
                    MaxQueueSize = Math.Max(1024, o.Concurrency * 2),
                },
            };
            _model = _runtime.LoadUnregistered(prepared.Loaded with { Options = modelOptions });
            _feeds = samples is not null
                ? samples.Requests(batch, o.Concurrency)
                : Enumerable.Range(0, o.Concurrency).Select(c => InputGenerator.Generate(_model.Inputs, batch, o.Shapes, o.Dims, seed: c + 1)).ToArray();
            // Warm-up: every client runs, plans for the batch sizes the batcher forms get built.
            PerfRunner.RunClients(_model, _feeds, o.Concurrency, o.Warmup, null, _ => { }, ct);
        }
        catch
        {
            _model?.Dispose();
            _runtime.Dispose();
            throw;
        }
    }

    /// <summary>Runs the point's clients for <paramref name="duration"/> (default: the options' duration) or until
    /// <paramref name="iterations"/> requests have finished, and reports what they measured.</summary>
    public PerfPoint Measure(TimeSpan? duration = null, int? iterations = null, Action<double>? report = null, CancellationToken ct = default)
    {
        var o = _o;
        var before = _model.Metrics;
        long batchesBefore = before.Batches, rowsBefore = before.Rows;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var (latencies, errors) = PerfRunner.RunClients(_model, _feeds, o.Concurrency, duration ?? o.Duration, iterations, report ?? (_ => { }), ct);
        double seconds = sw.Elapsed.TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        latencies.Sort();
        double throughput = latencies.Count * (double)_batch / seconds;
        long batches = _model.Metrics.Batches - batchesBefore, rows = _model.Metrics.Rows - rowsBefore;
        return new PerfPoint
        {
            BatchSize = _batch,
            Cores = _cores,
            Placement = o.Placement == Placement.Replicated ? "replicated" : "core-group",
            Precision = _prepared.Precision,
            Concurrency = o.Concurrency,
            MaxBatch = o.MaxBatch,
            MaxQueueDelayUs = o.MaxQueueDelayMicroseconds,
            Requests = latencies.Count,
            Errors = errors,
            Seconds = seconds,
            Throughput = throughput,
            P50Ms = PerfRunner.Percentile(latencies, 0.50),
            P90Ms = PerfRunner.Percentile(latencies, 0.90),
            P99Ms = PerfRunner.Percentile(latencies, 0.99),
            P999Ms = PerfRunner.Percentile(latencies, 0.999),
            MeanMs = latencies.Count == 0 ? 0 : latencies.Average(),
            CpuUtilization = cpu / seconds / _cores,
            AvgExecutedBatch = batches == 0 ? 0 : rows / (double)batches,
            CostPerMillion = o.PricePerHour is { } price && throughput > 0 ? PerfRunner.CostPerMillion(price, throughput) : null,
            LatenciesMs = latencies,
        };
    }

    public void Dispose()
    {
        _model.Dispose();
        _runtime.Dispose();
    }
}
