using System.Diagnostics;

namespace Axon.Runtime.Tests.Runtime;

/// <summary>What monitor and top read from the runtime: the latency window, error classes, per-core busy time.</summary>
public sealed class ObservabilityTests
{
    private static readonly double[] Quantiles = [0, 0.01, 0.25, 0.5, 0.9, 0.99, 1];

    [Fact]
    public void TheLatencyWindowGivesExactPercentilesOfItsWindowOnly()
    {
        var w = new LatencyWindow(capacity: 1000);
        long f = Stopwatch.Frequency, t0 = 1_000 * f;
        // Ten old samples (100 ms each) long before the window, then 1..200 ms one per 10 ms.
        for (int i = 0; i < 10; i++)
        {
            w.Record(100, t0 + i);
        }
        for (int i = 1; i <= 200; i++)
        {
            w.Record(i, t0 + 60 * f + i * f / 100);
        }
        var s = w.Summarize(TimeSpan.FromSeconds(5), Quantiles, t0 + 60 * f + 201 * f / 100);
        Assert.Equal(200, s.Count);
        Assert.False(s.Truncated);
        Assert.Equal(100.5, s.MeanMs, 9);
        // Nearest rank: p0 = min, p100 = max, p50 = the 100th smallest, p99 = the 198th, p1 = the 2nd.
        Assert.Equal([1.0, 2, 50, 100, 180, 198, 200], s.ValuesMs);
        // A window of 1 s holds the last 100 samples (101..200 ms).
        var last = w.Summarize(TimeSpan.FromSeconds(1), [0, 1], t0 + 60 * f + 201 * f / 100);
        Assert.Equal(100, last.Count);
        Assert.Equal([101.0, 200], last.ValuesMs);
    }

    [Fact]
    public void AFullRingSaysItIsTruncatedAndKeepsTheNewest()
    {
        var w = new LatencyWindow(capacity: 16);
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < 40; i++)
        {
            w.Record(i, now + i);
        }
        var s = w.Summarize(TimeSpan.FromHours(1), [0, 1], now + 41);
        Assert.Equal(16, s.Count);
        Assert.True(s.Truncated);
        Assert.Equal([24.0, 39], s.ValuesMs);
        var empty = new LatencyWindow().Summarize(TimeSpan.FromSeconds(1), [0.5], now);
        Assert.Equal(0, empty.Count);
        Assert.Equal([0.0], empty.ValuesMs);
    }

    [Fact]
    public async Task FailuresAreCountedByClassAndSuccessesEnterTheWindow()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "mlp", Batching = new BatchingOptions { MaxBatchSize = 4 } });
        for (int i = 0; i < 5; i++)
        {
            await h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(i)));
        }
        await Assert.ThrowsAnyAsync<AxonInputException>(() => h.RunAsync(new Dictionary<string, Tensor> { ["wrong"] = RuntimeFixtures.Input(0) }));
        await Assert.ThrowsAnyAsync<AxonInputException>(() => h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0, width: 3))));
        Assert.Equal(5, h.Metrics.RequestsOk);
        Assert.Equal(2, h.Metrics.RequestsFailed);
        Assert.Equal(2, h.Metrics.RequestsInvalid);
        Assert.Equal(0, h.Metrics.RequestsInternalError);
        Assert.True(h.Metrics.LastRequestUnixMs > 0);
        var s = h.Metrics.RecentRequestMs.Summarize(TimeSpan.FromMinutes(5), [0, 1]);
        Assert.Equal(5, s.Count);
        Assert.True(s.ValuesMs[0] > 0 && s.ValuesMs[0] <= s.ValuesMs[1]);
        // Every execution is charged to the model's cores.
        Assert.All(h.Cores, c => Assert.True(c.Runs >= 5 && c.BusyTime > TimeSpan.Zero, $"core {c.Id}: {c.Runs} runs, busy {c.BusyTime}"));
        rt.Models.Unload("mlp");
        await Assert.ThrowsAsync<ModelUnloadedException>(() => h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0))));
    }
}
