using System.Globalization;
using System.Text;
using System.Text.Json;
using Axon.Runtime.Perf;

namespace Axon.Cli.Reporting;

/// <summary>
/// The rows of a perf sweep as every output writes them (JSON, CSV, the HTML table): one ordered set of named values per
/// point, rounded once here so the three formats hold the same numbers.
/// </summary>
internal static class PerfExport
{
    /// <summary>One point's values, in column order.</summary>
    public static List<KeyValuePair<string, object?>> Row(PerfPoint p) =>
    [
        new("batch_size", p.BatchSize),
        new("cores", p.Cores),
        new("placement", p.Placement),
        new("precision", p.Precision),
        new("concurrency", p.Concurrency),
        new("max_batch", p.MaxBatch),
        new("max_queue_delay_us", p.MaxQueueDelayUs),
        new("requests", p.Requests),
        new("errors", p.Errors),
        new("seconds", Math.Round(p.Seconds, 3)),
        new("throughput", Math.Round(p.Throughput, 2)),
        new("p50_ms", Math.Round(p.P50Ms, 3)),
        new("p90_ms", Math.Round(p.P90Ms, 3)),
        new("p99_ms", Math.Round(p.P99Ms, 3)),
        new("p999_ms", Math.Round(p.P999Ms, 3)),
        new("mean_ms", Math.Round(p.MeanMs, 3)),
        new("cpu_utilization", Math.Round(p.CpuUtilization, 3)),
        new("avg_executed_batch", Math.Round(p.AvgExecutedBatch, 2)),
        new("cost_per_million", p.CostPerMillion is { } c ? Math.Round(c, 6) : null),
    ];

    public static string Json(IReadOnlyList<PerfPoint> points) =>
        JsonSerializer.Serialize(points.Select(p => Row(p).ToDictionary(kv => kv.Key, kv => kv.Value)), new JsonSerializerOptions { WriteIndented = true });

    public static string Csv(IReadOnlyList<PerfPoint> points)
    {
        var sb = new StringBuilder();
        var header = points.Count > 0 ? Row(points[0]).Select(kv => kv.Key) : Row(new PerfPoint()).Select(kv => kv.Key);
        sb.Append(string.Join(',', header)).Append('\n');
        foreach (var p in points)
        {
            sb.Append(string.Join(',', Row(p).Select(kv => Text(kv.Value)))).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>A value as JSON writes it (shortest round-trip for doubles), empty for null.</summary>
    public static string Text(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}
