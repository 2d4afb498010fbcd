using Axon.Runtime.Perf;
using ScottPlot;

namespace Axon.Cli.Reporting;

/// <summary>The charts of the perf report, drawn with ScottPlot and returned as PNG bytes.</summary>
internal static class PerfCharts
{
    public const int Width = 960;
    public const int Height = 480;

    /// <summary>The most samples a CDF line keeps (evenly spaced in rank; the last sample always kept).</summary>
    public const int CdfSamples = 400;

    /// <summary>A short label for a point: batch, cores, precision (and placement when replicated).</summary>
    public static string Label(PerfPoint p) =>
        $"b{p.BatchSize} {p.Cores}c {p.Precision}{(p.Placement == "replicated" ? " repl" : "")}";

    private static string SeriesLabel(PerfPoint p) =>
        $"{p.Cores} core{(p.Cores == 1 ? "" : "s")}, {p.Precision}{(p.Placement == "replicated" ? ", replicated" : "")}";

    /// <summary>Throughput against batch size, one line per (cores, precision, placement).</summary>
    public static byte[] Throughput(IReadOnlyList<PerfPoint> points)
    {
        var plt = new Plot();
        foreach (var series in points.GroupBy(SeriesLabel))
        {
            var ordered = series.OrderBy(p => p.BatchSize).ToList();
            var line = plt.Add.Scatter(ordered.Select(p => (double)p.BatchSize).ToArray(), ordered.Select(p => p.Throughput).ToArray());
            line.LegendText = series.Key;
            line.MarkerSize = 8;
            line.LineWidth = 2;
        }
        var batches = points.Select(p => p.BatchSize).Distinct().Order().ToArray();
        plt.Axes.Bottom.SetTicks(batches.Select(b => (double)b).ToArray(), batches.Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plt.Title("Throughput against batch size");
        plt.XLabel("batch size (rows per request)");
        plt.YLabel("throughput (inferences / s)");
        plt.Axes.SetLimitsY(0, Math.Max(1, points.Max(p => p.Throughput)) * 1.1);
        plt.ShowLegend(Alignment.UpperLeft);
        return Png(plt);
    }

    /// <summary>p50, p90, p99 and p99.9 latency per point as grouped bars.</summary>
    public static byte[] Percentiles(IReadOnlyList<PerfPoint> points)
    {
        var plt = new Plot();
        (string Name, Func<PerfPoint, double> Value)[] qs = [("p50", p => p.P50Ms), ("p90", p => p.P90Ms), ("p99", p => p.P99Ms), ("p99.9", p => p.P999Ms)];
        const double group = 5;
        for (int q = 0; q < qs.Length; q++)
        {
            var bars = plt.Add.Bars(points.Select((_, i) => i * group + q).ToArray(), points.Select(qs[q].Value).ToArray());
            bars.LegendText = qs[q].Name;
            bars.Color = plt.Add.Palette.GetColor(q);
        }
        // Two-line tick labels (batch and cores over precision) stay readable without rotation up to a dozen or so points.
        plt.Axes.Bottom.SetTicks(points.Select((_, i) => i * group + 1.5).ToArray(), points.Select(p => Label(p).Replace(" " + p.Precision, "\n" + p.Precision, StringComparison.Ordinal)).ToArray());
        plt.Title("Latency percentiles per point");
        plt.XLabel("point (batch size, cores, precision)");
        plt.YLabel("latency (ms)");
        plt.Axes.Margins(bottom: 0);
        plt.ShowLegend(Alignment.UpperLeft);
        return Png(plt);
    }

    /// <summary>The latency distribution of every point as a cumulative fraction of requests.</summary>
    public static byte[] Cdf(IReadOnlyList<PerfPoint> points)
    {
        var plt = new Plot();
        foreach (var p in points.Where(p => p.LatenciesMs.Count > 0))
        {
            var (x, y) = CdfLine(p.LatenciesMs);
            var line = plt.Add.Scatter(x, y);
            line.LegendText = Label(p);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.ConnectStyle = ConnectStyle.StepHorizontal;
        }
        plt.Title("Latency CDF per point");
        plt.XLabel("latency (ms)");
        plt.YLabel("fraction of requests at or below");
        plt.Axes.SetLimitsY(0, 1.02);
        plt.ShowLegend(Alignment.LowerRight);
        return Png(plt);
    }

    /// <summary>(latency, cumulative fraction) pairs of an ascending latency list, thinned to <see cref="CdfSamples"/>.</summary>
    public static (double[] X, double[] Y) CdfLine(IReadOnlyList<double> sorted)
    {
        int n = sorted.Count;
        int k = Math.Min(n, CdfSamples);
        var x = new double[k];
        var y = new double[k];
        for (int i = 0; i < k; i++)
        {
            int rank = k == 1 ? n - 1 : (int)Math.Round(i * (n - 1) / (double)(k - 1));
            x[i] = sorted[rank];
            y[i] = (rank + 1) / (double)n;
        }
        return (x, y);
    }

    private static byte[] Png(Plot plt)
    {
        try
        {
            return plt.GetImageBytes(Width, Height, ImageFormat.Png);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw new AxonException($"cannot draw the report's charts: {e.Message}", "AXP020", e);
        }
    }
}
