using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Axon.Cli.Reporting;
using Axon.Graph.Builder;
using Axon.Onnx;

namespace Axon.Cli.Tests;

public sealed partial class PerfReportTests
{
    private static string SaveMlp(TempDir dir)
    {
        string path = dir.File("mlp.onnx");
        OnnxModel.Save(ModelZoo.Mlp(inputs: 16, hidden: [32], classes: 8), path);
        return path;
    }

    /// <summary>Width and height from a PNG's IHDR chunk (after the 8-byte signature and the chunk's length and type).</summary>
    internal static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24, "too short for a PNG");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    [GeneratedRegex("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex ImgRegex();

    [GeneratedRegex("(?:src|href)\\s*=\\s*\"(?!data:|#)([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalRefRegex();

    [GeneratedRegex("<tbody>(.*?)</tbody>", RegexOptions.Singleline)]
    private static partial Regex BodyRegex();

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowRegex();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellRegex();

    [GeneratedRegex("<th>(.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex HeadRegex();

    [Fact]
    public void ReportIsSelfContainedWithOnePngPerChartAndTheJsonNumbersInItsTable()
    {
        using var dir = new TempDir();
        string json = dir.File("out.json"), html = dir.File("report.html");
        var (code, _, err) = CliHarness.Run("perf", SaveMlp(dir), "--batch-sizes", "1,4", "--cores", "1", "--precision", "fp32,int8",
            "--concurrency", "2", "--iterations", "30", "--warmup", "0s", "--instance", "c6i.large", "--json", json, "--report", html);
        Assert.True(code == 0, err);
        string page = File.ReadAllText(html);

        // Self-contained: every src/href is inline data or an in-page anchor; no stylesheet or script is fetched.
        Assert.Empty(ExternalRefRegex().Matches(page));
        Assert.DoesNotContain("<link", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", page, StringComparison.OrdinalIgnoreCase);

        // Three charts (throughput, percentiles, CDF), each a decodable PNG of the declared size.
        var images = ImgRegex().Matches(page);
        Assert.Equal(3, images.Count);
        foreach (Match m in images)
        {
            Assert.Equal((PerfCharts.Width, PerfCharts.Height), PngSize(Convert.FromBase64String(m.Groups[1].Value)));
        }

        // The table holds exactly the JSON's points, value for value.
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var points = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(["fp32", "fp32", "int8", "int8"], points.Select(p => p.GetProperty("precision").GetString()));
        var headers = HeadRegex().Matches(page).Select(h => WebUtility.HtmlDecode(h.Groups[1].Value)).ToList();
        var rows = RowRegex().Matches(BodyRegex().Match(page).Groups[1].Value)
            .Select(r => CellRegex().Matches(r.Groups[1].Value).Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToList()).ToList();
        Assert.Equal(points.Count, rows.Count);
        for (int i = 0; i < points.Count; i++)
        {
            var props = points[i].EnumerateObject().ToList();
            Assert.Equal(props.Select(p => p.Name), headers);
            for (int c = 0; c < props.Count; c++)
            {
                var v = props[c].Value;
                string expected = v.ValueKind switch { JsonValueKind.String => v.GetString()!, JsonValueKind.Null => "-", _ => v.GetRawText() };
                Assert.True(expected == rows[i][c], $"point {i} {props[c].Name}: table '{rows[i][c]}', JSON '{expected}'");
            }
            // c6i.large is $0.085/h on demand in us-east-1: the cost follows from the throughput.
            double throughput = points[i].GetProperty("throughput").GetDouble();
            Assert.Equal(0.085 / (throughput * 3600) * 1e6, points[i].GetProperty("cost_per_million").GetDouble(), 0.085 / (throughput * 3600) * 1e6 * 1e-3);
            Assert.InRange(points[i].GetProperty("cpu_utilization").GetDouble(), 0.0, 4.0);
        }
    }

    [Fact]
    public void CdfLineIsMonotoneAndEndsAtTheSlowestRequest()
    {
        var sorted = Enumerable.Range(1, 1000).Select(i => i * 0.01).ToList();
        var (x, y) = PerfCharts.CdfLine(sorted);
        Assert.Equal(PerfCharts.CdfSamples, x.Length);
        Assert.Equal(0.01, x[0]);
        Assert.Equal(0.001, y[0], 9);
        Assert.Equal(10.0, x[^1], 9);
        Assert.Equal(1.0, y[^1]);
        for (int i = 1; i < x.Length; i++)
        {
            Assert.True(x[i] >= x[i - 1] && y[i] > y[i - 1]);
        }
        var single = PerfCharts.CdfLine([3.5]);
        Assert.Equal([3.5], single.X);
        Assert.Equal([1.0], single.Y);
    }

    [ChromiumFact]
    public void ChromiumRendersTheReportWithCharts()
    {
        using var dir = new TempDir();
        string html = dir.File("report.html"), shot = dir.File("shot.png");
        var (code, _, err) = CliHarness.Run("perf", SaveMlp(dir), "--batch-sizes", "1,2", "--cores", "1", "--iterations", "20", "--warmup", "0s", "--report", html);
        Assert.True(code == 0, err);
        Assert.True(Chromium.Screenshot(html, shot, 1100, 1800), "chromium did not write a screenshot");
        var bitmap = SkiaSharp.SKBitmap.Decode(shot);
        Assert.Equal(1100, bitmap.Width);
        // The first chart sits below the heading and settings: its area must hold drawn data, not a blank or broken image.
        var colors = new HashSet<uint>();
        for (int y = 250; y < 750; y += 3)
        {
            for (int x = 60; x < 1000; x += 3)
            {
                colors.Add((uint)bitmap.GetPixel(x, y));
            }
        }
        Assert.True(colors.Count > 20, $"only {colors.Count} colours in the chart area");
    }
}

/// <summary>A fact that runs only where a Chromium binary is installed (the headless render check).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null)
        {
            Skip = "chromium is not installed (apt-get install -y chromium)";
        }
    }
}

/// <summary>Headless Chromium: screenshots of local HTML files.</summary>
internal static class Chromium
{
    public static string? Path { get; } = new[] { "chromium", "chromium-browser", "google-chrome", "headless_shell" }
        .SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => System.IO.Path.Combine(d, n)))
        .FirstOrDefault(File.Exists);

    public static bool Screenshot(string html, string png, int width, int height)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={png}", "file://" + html })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            return false;
        }
        return File.Exists(png);
    }
}
