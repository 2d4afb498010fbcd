using System.Net;
using System.Text;
using Axon.Runtime.Perf;

namespace Axon.Cli.Reporting;

/// <summary>What the report says about the run besides its points.</summary>
internal sealed record PerfReportInfo(string Model, DateTimeOffset When, IReadOnlyList<(string Name, string Value)> Settings);

/// <summary>
/// <c>axon perf --report report.html</c>: one self-contained page (inline CSS, charts as base64 PNG <c>img</c>, nothing
/// fetched) with throughput against batch size, latency percentiles and latency CDFs per point, and the table of points
/// holding the same numbers as <c>--json</c>.
/// </summary>
internal static class PerfHtmlReport
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1000px; color: #1d2330; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #d7dbe3; padding-bottom: 0.2em; }
        .meta { color: #5a6273; margin: 0; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1.2em; font-size: 0.92em; }
        dt { color: #5a6273; } dd { margin: 0; font-family: ui-monospace, monospace; }
        img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e6ec; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-size: 0.8em; }
        th, td { border: 1px solid #d7dbe3; padding: 0.3em 0.5em; text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f1f3f7; } td.text { text-align: left; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        """;

    public static string Render(IReadOnlyList<PerfPoint> points, PerfReportInfo info)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        sb.Append("<title>axon perf: ").Append(E(info.Model)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n");
        sb.Append("<h1>axon perf: ").Append(E(info.Model)).Append("</h1>\n");
        sb.Append("<p class=\"meta\">").Append(E($"{points.Count} point{(points.Count == 1 ? "" : "s")}, measured {info.When.UtcDateTime:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} logical processors"))
            .Append("</p>\n<dl>\n");
        foreach (var (name, value) in info.Settings)
        {
            sb.Append("<dt>").Append(E(name)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");
        }
        sb.Append("</dl>\n");
        Chart(sb, "throughput", "Throughput against batch size", "Inferences per second at each batch size, one line per core count and precision.", PerfCharts.Throughput(points));
        Chart(sb, "percentiles", "Latency percentiles", "p50, p90, p99 and p99.9 request latency of every point.", PerfCharts.Percentiles(points));
        Chart(sb, "cdf", "Latency CDF", "Fraction of requests that finished within a latency, every point.", PerfCharts.Cdf(points));
        Table(sb, points);
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Chart(StringBuilder sb, string id, string title, string caption, byte[] png)
    {
        sb.Append("<h2 id=\"").Append(id).Append("\">").Append(E(title)).Append("</h2>\n<p class=\"meta\">").Append(E(caption)).Append("</p>\n");
        sb.Append("<img class=\"chart\" id=\"chart-").Append(id).Append("\" alt=\"").Append(E(title)).Append("\" width=\"").Append(PerfCharts.Width)
            .Append("\" height=\"").Append(PerfCharts.Height).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\">\n");
    }

    private static void Table(StringBuilder sb, IReadOnlyList<PerfPoint> points)
    {
        sb.Append("<h2 id=\"points\">Points</h2>\n<p class=\"meta\">The numbers of --json: latencies in ms, throughput in inferences/s, ")
            .Append("CPU utilization as process CPU time over wall time and cores, cost in USD per million inferences.</p>\n");
        sb.Append("<div class=\"scroll\"><table id=\"points-table\">\n<thead><tr>");
        var columns = points.Count > 0 ? PerfExport.Row(points[0]).Select(kv => kv.Key).ToList() : [];
        foreach (var c in columns)
        {
            sb.Append("<th>").Append(E(c)).Append("</th>");
        }
        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (var p in points)
        {
            sb.Append("<tr>");
            foreach (var (_, v) in PerfExport.Row(p))
            {
                sb.Append(v is string ? "<td class=\"text\">" : "<td>").Append(E(v is null ? "-" : PerfExport.Text(v))).Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody>\n</table></div>\n");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
