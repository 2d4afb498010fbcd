using System.Diagnostics;
using Prometheus;

namespace Axon.Serving.Metrics;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (several servers in one process do not mix).
/// Names follow Triton's metrics with an <c>axon_</c> prefix; durations are in seconds as Prometheus prefers.
/// </summary>
internal sealed class ServingMetrics
{
    private static readonly double[] LatencyBuckets = Histogram.ExponentialBuckets(0.00005, 2, 18);
    private readonly Counter _success;
    private readonly Counter _failure;
    private readonly Histogram _request;
    private readonly Histogram _compute;
    private readonly Histogram _batch;
    private readonly Gauge _inFlight;
    private readonly Process _process = Process.GetCurrentProcess();

    public ServingMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var f = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] mv = ["model", "version"];
        _success = f.CreateCounter("axon_inference_request_success_total", "Inference requests that succeeded", mv);
        _failure = f.CreateCounter("axon_inference_request_failure_total", "Inference requests that failed, by reason (client, unavailable, internal)", ["model", "version", "reason"]);
        _request = f.CreateHistogram("axon_inference_request_duration_seconds", "Whole request time in the server: decode, queue, compute, encode",
            new HistogramConfiguration { LabelNames = mv, Buckets = LatencyBuckets });
        _compute = f.CreateHistogram("axon_inference_compute_duration_seconds", "Time in the model (the runtime's queue and compute)",
            new HistogramConfiguration { LabelNames = mv, Buckets = LatencyBuckets });
        _batch = f.CreateHistogram("axon_inference_request_batch_size", "Batch size (first dimension) of each request",
            new HistogramConfiguration { LabelNames = mv, Buckets = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _inFlight = f.CreateGauge("axon_inference_in_flight_requests", "Inference requests being served now");
        var memory = f.CreateGauge("axon_process_memory_bytes", "Process memory by kind (working_set, managed_heap)", ["kind"]);
        var cpu = f.CreateGauge("axon_process_cpu_utilization", "Process CPU time over wall time since start, per core (0..1)");
        var start = DateTime.UtcNow;
        Registry.AddBeforeCollectCallback(() =>
        {
            _process.Refresh();
            memory.WithLabels("working_set").Set(_process.WorkingSet64);
            memory.WithLabels("managed_heap").Set(GC.GetTotalMemory(false));
            double wall = (DateTime.UtcNow - start).TotalSeconds * Environment.ProcessorCount;
            cpu.Set(wall > 0 ? _process.TotalProcessorTime.TotalSeconds / wall : 0);
        });
    }

    public CollectorRegistry Registry { get; }

    public Gauge InFlight => _inFlight;

    public void Success(string model, string version, double seconds, double computeSeconds, int batch)
    {
        _success.WithLabels(model, version).Inc();
        _request.WithLabels(model, version).Observe(seconds);
        _compute.WithLabels(model, version).Observe(computeSeconds);
        _batch.WithLabels(model, version).Observe(batch);
    }

    /// <summary>Failed HTTP/gRPC requests of a model version so far, by class.</summary>
    public (long Client, long Unavailable, long Internal) Failures(string model, string version) =>
        ((long)_failure.WithLabels(model, version, "client").Value,
         (long)_failure.WithLabels(model, version, "unavailable").Value,
         (long)_failure.WithLabels(model, version, "internal").Value);

    public void Failure(string model, string version, int status) =>
        _failure.WithLabels(model, version, status >= 500 ? (status == 503 ? "unavailable" : "internal") : "client").Inc();
}
