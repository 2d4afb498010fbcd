using Axon.Targets.Calibration;
using Xunit.Abstractions;

namespace Axon.Targets.Tests;

/// <summary>The bar: the published rows' hold-out median error, computed from the data file.</summary>
public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void HoldoutMedianErrorIsAtMostTwentyPercent()
    {
        var catalog = TargetCatalog.Load();
        var checks = BenchmarkSuite.Run(catalog);
        output.WriteLine(BenchmarkSuite.Markdown(checks));
        Assert.True(checks.Count >= 15, $"{checks.Count} rows");
        foreach (var family in new[] { "inf1", "inf2", "trn1", "g4dn", "p4d" })
        {
            Assert.Contains(checks, c => c.Row.Instance.StartsWith(family, StringComparison.Ordinal));
        }
        Assert.Contains(checks, c => c.Row.Metric == "train_throughput");
        var holdout = checks.Where(c => c.IsHoldout).ToList();
        Assert.True(holdout.Count >= 8);
        double median = BenchmarkSuite.MedianAbsError(holdout);
        Assert.True(median <= 0.20, $"hold-out median |error| {median:P1}");
    }
}
