using System.Collections.Concurrent;

namespace Axon.Runtime.Tests.Runtime;

public sealed class BatcherTests
{
    private static ModelOptions Batched(int maxBatch, int delayUs = 2000, int queue = 4096, Placement placement = Placement.CoreGroup) => new()
    {
        Name = "mlp",
        Placement = placement,
        Batching = new BatchingOptions { MaxBatchSize = maxBatch, MaxQueueDelayMicroseconds = delayUs, MaxQueueSize = queue },
    };

    [Theory]
    [InlineData(Placement.CoreGroup)]
    [InlineData(Placement.Replicated)]
    public async Task ThousandsOfConcurrentRequestsEachGetTheirOwnRows(Placement placement)
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(16, 500, placement: placement));
        const int n = 2000;
        var inputs = Enumerable.Range(0, n).Select(i => RuntimeFixtures.Input(i, rows: 1 + i % 3)).ToArray();
        var expected = inputs.Select(x => h.Run(RuntimeFixtures.Feeds(x))["y"].ToArray<float>()).ToArray();
        var tasks = new Task<IReadOnlyDictionary<string, Tensor>>[n];
        Parallel.For(0, n, i => tasks[i] = h.RunAsync(RuntimeFixtures.Feeds(inputs[i])));
        var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        for (int i = 0; i < n; i++)
        {
            var y = results[i]["y"];
            Assert.Equal([1 + i % 3, 8], y.Shape);
            RuntimeFixtures.Close(expected[i], y.ToArray<float>(), 1e-6f);
        }
        Assert.True(h.Metrics.BatchSize.Snapshot().Max > 1, "the batcher never formed a batch of several rows");
        Assert.True(h.Metrics.BatchSize.Snapshot().Max <= 16);
        Assert.Equal(2 * n, h.Metrics.RequestsOk);
        Assert.Equal(0, h.Metrics.QueueDepth);
        Assert.Equal(0, h.Metrics.InFlight);
    }

    [Fact]
    public async Task AFullQueueRejectsAtOnce()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(1, 0, queue: 2));
        using var gate = new Blocker(h);
        var running = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        gate.WaitUntilBlocked();
        var q1 = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1)));
        var q2 = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(2)));
        var rejected = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(3)));
        Assert.True(rejected.IsFaulted);
        var e = await Assert.ThrowsAsync<QueueFullException>(() => rejected);
        Assert.Contains("full", e.Message);
        Assert.Equal(2, h.Metrics.QueueDepth);
        gate.Release();
        await Task.WhenAll(running, q1, q2).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, h.Metrics.RequestsRejected);
    }

    [Fact]
    public async Task ARequestTimesOutWhileQueued()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(1, 0));
        using var gate = new Blocker(h);
        var running = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        gate.WaitUntilBlocked();
        var late = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1)), new RequestOptions { Timeout = TimeSpan.FromMilliseconds(30) });
        await Assert.ThrowsAsync<RequestTimeoutException>(() => late.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, h.Metrics.QueueDepth);
        gate.Release();
        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, h.Metrics.RequestsTimedOut);
        Assert.Equal(1, gate.Executed);
    }

    [Fact]
    public async Task CancellationRemovesARequestThatHasNotStarted()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(1, 0));
        using var gate = new Blocker(h);
        var running = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        gate.WaitUntilBlocked();
        using var cts = new CancellationTokenSource();
        var cancelled = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1)), null, cts.Token);
        var kept = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(2)));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Release();
        await Task.WhenAll(running, kept).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, gate.Executed);
        Assert.Equal(1, h.Metrics.RequestsCancelled);
        Assert.True((await Task.WhenAny(h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(4)), null, new CancellationToken(true)))).IsCanceled);
    }

    [Fact]
    public async Task HighPriorityRequestsGoFirst()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(1, 0));
        var order = new ConcurrentQueue<float>();
        using var gate = new Blocker(h, x => order.Enqueue(x["x"].ToArray<float>()[0]));
        var first = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(0)));
        gate.WaitUntilBlocked();
        var normal = Enumerable.Range(1, 3).Select(i => h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(i)))).ToList();
        var high = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(10)), new RequestOptions { Priority = Priority.High });
        gate.Release();
        await Task.WhenAll([first, high, .. normal]).WaitAsync(TimeSpan.FromSeconds(30));
        var seen = order.ToArray();
        Assert.Equal(5, seen.Length);
        Assert.Equal(RuntimeFixtures.Input(10).ToArray<float>()[0], seen[1]);
        Assert.Equal(RuntimeFixtures.Input(1).ToArray<float>()[0], seen[2]);
    }

    [Fact]
    public async Task ABadRequestFailsAloneNotItsBatch()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), Batched(8, 1000));
        var bad = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1, width: 5)));
        var good = h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(2)));
        var e = await Assert.ThrowsAsync<AxonInputException>(() => bad);
        Assert.Contains("'x'", e.Message);
        var y = await good.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(new[] { 1, 8 }, y["y"].Shape);
    }

    [Fact]
    public async Task ARequestThatFailsAtRunTimeFailsAloneNotItsBatch()
    {
        var b = new Axon.Graph.Builder.GraphBuilder("lookup");
        var ids = b.Input("ids", DType.Int64, "batch", 1);
        var table = b.Constant("table", Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)i).ToArray(), 10, 4));
        b.Output(b.Node("Gather", [table, ids]), "y");
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(b.Build(), new ModelOptions { Batching = new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 20_000 } });
        var tasks = new[] { 3L, 50L, 7L }.Select(id => h.RunAsync(new Dictionary<string, Tensor> { ["ids"] = Tensor.FromArray(new[] { id }, 1, 1) })).ToArray();
        await Assert.ThrowsAnyAsync<AxonException>(() => tasks[1].WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(new[] { 12f, 13, 14, 15 }, (await tasks[0])["y"].ToArray<float>());
        Assert.Equal(new[] { 28f, 29, 30, 31 }, (await tasks[2])["y"].ToArray<float>());
        Assert.Equal(1, h.Metrics.RequestsFailed);
    }

    /// <summary>Holds the model's first execution until released, so tests can fill the queue deterministically.</summary>
    private sealed class Blocker : IDisposable
    {
        private readonly ManualResetEventSlim _blocked = new();
        private readonly ManualResetEventSlim _release = new();
        private int _executed;

        public Blocker(ModelHandle h, Action<IReadOnlyDictionary<string, Tensor>>? seen = null) =>
            h.BeforeExecute = (inputs, _) =>
            {
                seen?.Invoke(inputs);
                Interlocked.Increment(ref _executed);
                _blocked.Set();
                _release.Wait(TimeSpan.FromSeconds(30));
            };

        public int Executed => Volatile.Read(ref _executed);

        public void WaitUntilBlocked() => Assert.True(_blocked.Wait(TimeSpan.FromSeconds(30)));

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
        }
    }
}
