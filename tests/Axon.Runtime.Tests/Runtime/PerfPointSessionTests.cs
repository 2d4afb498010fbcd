using Axon.Runtime.Perf;

namespace Axon.Runtime.Tests.Runtime;

public sealed class PerfPointSessionTests
{
    [Fact]
    public void AnOpenPointCanBeMeasuredRepeatedlyAndCountsOnlyEachCallsRequests()
    {
        var options = new PerfOptions { Model = RuntimeFixtures.SmallMlp(), Concurrency = 2, MaxBatch = 1, Warmup = TimeSpan.Zero };
        using var point = PerfPointSession.Open(options, batch: 3, cores: 1);
        var first = point.Measure(iterations: 5);
        var second = point.Measure(iterations: 1);
        Assert.Equal((5L, 1L), (first.Requests, second.Requests));
        Assert.Equal(5, first.LatenciesMs.Count);
        Assert.Equal(first.LatenciesMs.Order(), first.LatenciesMs); // sorted, as percentiles need
        Assert.All(new[] { first, second }, p => Assert.True(p.P50Ms > 0 && p.BatchSize == 3 && p.Cores == 1 && p.AvgExecutedBatch == 3));
        Assert.Single(second.LatenciesMs);
    }

    [Fact]
    public void MoreCoresThanVisibleIsRefusedByCode()
    {
        var e = Assert.Throws<AxonException>(() => PerfPointSession.Open(new PerfOptions { Model = RuntimeFixtures.SmallMlp() }, 1, 4096));
        Assert.Equal("AXR003", e.Code);
    }
}
