using System.Collections.Concurrent;

namespace Axon.Runtime.Tests.Runtime;

/// <summary>The batcher runs a lone request on an idle model at once, and still batches while requests keep arriving.</summary>
public sealed class IdleDispatchTests
{
    private static ModelOptions Options(int delayUs, bool idle, int[]? preferred = null) => new()
    {
        Name = "mlp",
        Batching = new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMicroseconds = delayUs, PreferredBatchSizes = preferred ?? [], DispatchWhenIdle = idle },
    };

    [Fact]
    public async Task ALoneRequestOnAnIdleModelDoesNotWaitForTheQueueDelay()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        // A one-minute delay: the request can only finish within the test's 30 s if it was dispatched at once.
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Options(60_000_000, idle: true));
        var x = RuntimeFixtures.Input(3);
        for (int i = 0; i < 3; i++)
        {
            var y = await h.RunAsync(RuntimeFixtures.Feeds(x)).WaitAsync(TimeSpan.FromSeconds(30));
            RuntimeFixtures.Close(RuntimeFixtures.Reference(RuntimeFixtures.SmallMlp(), x), y["y"].ToArray<float>());
        }
        Assert.Equal(3, h.Metrics.Batches);
    }

    [Fact]
    public async Task WithoutIdleDispatchTheLoneRequestWaitsForCompanions()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        var h = rt.Load(RuntimeFixtures.SmallMlp(), Options(60_000_000, idle: false));
        var pending = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1)));
        await Task.Delay(300);
        Assert.False(pending.IsCompleted, "the request ran before max_queue_delay although idle dispatch was off");
        Assert.Equal(1, h.Metrics.QueueDepth);
        h.Dispose(); // draining runs what is queued without waiting for the delay
        await pending.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(60_000_000, 3)] // the preferred size 3 is reached: dispatched without waiting for the (long) delay
    [InlineData(200_000, 0)]    // no preferred size: the two wait out the delay together
    public async Task RequestsArrivingWhileABatchRunsAreStillBatched(int delayUs, int preferred)
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Options(delayUs, idle: true, preferred > 0 ? [preferred] : null));
        var rows = new ConcurrentQueue<int>();
        using var blocked = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        h.BeforeExecute = (_, count) =>
        {
            rows.Enqueue(count);
            blocked.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        };
        var first = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        Assert.True(blocked.Wait(TimeSpan.FromSeconds(30)), "the lone first request was not dispatched");
        int more = preferred > 0 ? preferred : 2;
        var inputs = Enumerable.Range(1, more).Select(i => RuntimeFixtures.Input(i)).ToArray();
        var later = inputs.Select(x => h.RunAsync(RuntimeFixtures.Feeds(x))).ToArray();
        while (h.Metrics.QueueDepth < more)
        {
            await Task.Delay(5);
        }
        release.Set();
        var results = await Task.WhenAll(later).WaitAsync(TimeSpan.FromSeconds(30));
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1, more], rows.ToArray());
        for (int i = 0; i < more; i++)
        {
            RuntimeFixtures.Close(RuntimeFixtures.Reference(RuntimeFixtures.SmallMlp(), inputs[i]), results[i]["y"].ToArray<float>());
        }
    }
}
