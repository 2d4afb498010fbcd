using Axon.Cli.Monitoring;

namespace Axon.Cli.Tests.Monitoring;

/// <summary>The arithmetic between two stats samples, on hand-made samples.</summary>
public sealed class WindowViewTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static StatsSample Sample(int pid, double uptime, long success, double busy, double seconds, long[] batches) => new(
        T0.AddSeconds(seconds), "1.0.0", pid, uptime, true, "host", "linux", "x64", 2, 1000, 400,
        [new VcpuTicks(0, 100 + (long)seconds * 50, 0, 0, 100 + (long)seconds * 50, 0, 0, 0, 0)],
        new ProcessStats(seconds / 2, 10, 1, 1, 1, 1, [1, 0, 0], 0),
        [new CoreStats(0, busy, success, 64, ["m:1"])],
        [new ModelStats("m", "1", "onnx_onnxv1", true, "core_group", 1, [0], 8, success, 1, 0, new ErrorCounts(1, 0, 0, 0, 0, 0),
            success, batches.Sum(), 0, 0, 0, new Dictionary<string, double>(), (success, success * 0.5), (batches.Sum(), batches.Sum() * 2.0),
            [1, 2, 4], batches, 10, 20, 30)]);

    [Fact]
    public void RatesUtilizationAndBatchesComeFromTheDifference()
    {
        var a = Sample(7, 10, success: 100, busy: 1.0, seconds: 0, batches: [40, 10, 0, 0]);
        var b = Sample(7, 12, success: 160, busy: 2.5, seconds: 2, batches: [40, 20, 5, 0]);
        var v = WindowView.Between(a, b, 3);
        var m = Assert.Single(v.Models);
        Assert.Equal(60, m.Success);
        Assert.Equal(30, m.RequestRate, 9);
        Assert.Equal(0, m.Failure);
        Assert.Equal(0, m.Errors.Total);
        Assert.Equal(new[] { ("2", 10L), ("3-4", 5L) }, m.Batches.ToArray());
        Assert.Equal(60.0 / 15, m.BatchMean, 9);
        Assert.Equal(0.5, m.QueueMeanMs, 9);
        Assert.Equal(75, Assert.Single(v.Cores).UtilizationPercent, 9); // 1.5 s busy in 2 s
        Assert.Equal(50, Assert.Single(v.Vcpus).User, 9);
        Assert.Equal(50, v.ProcessCpuPercent, 9);
    }

    [Fact]
    public void ARestartedServerCountsFromZeroNotNegative()
    {
        var a = Sample(7, 500, success: 1000, busy: 300, seconds: 0, batches: [900, 50, 0, 0]);
        var b = Sample(8, 1, success: 5, busy: 0.2, seconds: 1, batches: [5, 0, 0, 0]);
        var v = WindowView.Between(a, b, 1);
        var m = Assert.Single(v.Models);
        Assert.Equal(5, m.Success);
        Assert.Equal(1, m.Failure);
        Assert.Equal(1, m.Errors.Client);
        Assert.Equal(20, Assert.Single(v.Cores).UtilizationPercent, 9);
        Assert.True(v.ProcessCpuPercent >= 0);
    }
}
