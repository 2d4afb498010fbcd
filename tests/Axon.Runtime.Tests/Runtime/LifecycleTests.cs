namespace Axon.Runtime.Tests.Runtime;

public sealed class LifecycleTests
{
    [Fact]
    public async Task UnloadUnderLoadLosesNoRequestAndNoneHangs()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        var h = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions
        {
            Name = "mlp",
            Placement = Placement.Replicated,
            Batching = new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 500, MaxQueueSize = 100_000 },
        });
        var expected = h.Run(RuntimeFixtures.Feeds(RuntimeFixtures.Input(42)))["y"].ToArray<float>();
        int ok = 0, refused = 0, other = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    var y = await h.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(42)));
                    Assert.Equal(expected, y["y"].ToArray<float>());
                    Interlocked.Increment(ref ok);
                }
                catch (ModelUnloadedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref other);
                    return;
                }
            }
        })).ToArray();
        SpinWait.SpinUntil(() => Volatile.Read(ref ok) > 200, TimeSpan.FromSeconds(20));
        Assert.True(rt.Models.Unload("mlp"));
        await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, other);
        Assert.Equal(16, refused);
        Assert.Equal(ok, h.Metrics.RequestsOk - 1);
        Assert.Equal(0, h.Metrics.InFlight);
        Assert.False(rt.Models.TryGet("mlp", null, out _));
        Assert.Throws<ModelUnloadedException>(() => h.Run(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1))));
        Assert.All(rt.Cores, c => Assert.Empty(c.Models));
    }

    [Fact]
    public async Task ReloadSwapsVersionsWhileInFlightRequestsFinishOnTheOldOne()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        var v1 = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "m", Batching = new BatchingOptions { MaxBatchSize = 4 } });
        var release = new ManualResetEventSlim();
        v1.BeforeExecute = (_, _) => release.Wait(TimeSpan.FromSeconds(30));
        var inFlight = Enumerable.Range(0, 6).Select(i => v1.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(i)))).ToList();
        var other = Axon.Graph.Builder.ModelZoo.Mlp(inputs: 16, hidden: [32], classes: 8, seed: 99);
        var reload = Task.Run(() => rt.Models.Reload("m", other));
        SpinWait.SpinUntil(() => rt.Models.TryGet("m", 2, out _), TimeSpan.FromSeconds(20));
        Assert.True(rt.Models.TryGet("m", null, out var current));
        Assert.Equal(2, current.Version);
        release.Set();
        var v2 = await reload.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Same(current, v2);
        var old = await Task.WhenAll(inFlight).WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < old.Length; i++)
        {
            RuntimeFixtures.Close(RuntimeFixtures.Reference(RuntimeFixtures.SmallMlp(), RuntimeFixtures.Input(i)), old[i]["y"].ToArray<float>());
        }
        var fresh = await v2.RunAsync(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1)));
        RuntimeFixtures.Close(RuntimeFixtures.Reference(other, RuntimeFixtures.Input(1)), fresh["y"].ToArray<float>());
        Assert.True(v1.IsUnloaded);
        Assert.Single(rt.Models.All);
    }

    [Fact]
    public void MemoryLimitsGiveAClearError()
    {
        using var rt = new AxonRuntime(new RuntimeOptions { Cores = [0, 1], MemoryLimitBytes = 6000 });
        var model = RuntimeFixtures.SmallMlp();
        var e = Assert.Throws<ModelMemoryException>(() => rt.Load(model, new ModelOptions { Name = "tiny", MemoryLimitBytes = 100 }));
        Assert.Equal("AXR010", e.Code);
        Assert.Contains("'tiny'", e.Message);
        Assert.Contains("weights", e.Message);
        using var first = rt.Load(model, new ModelOptions { Name = "a" });
        Assert.True(first.WeightBytes >= (16 * 32 + 32 + 32 * 8 + 8) * 4);
        Assert.True(first.ArenaBytes > 0);
        var second = Assert.Throws<ModelMemoryException>(() => rt.Load(model, new ModelOptions { Name = "b" }));
        Assert.Contains("limit", second.Message);
        Assert.Equal(first.MemoryBytes, rt.MemoryBytes);
        Assert.DoesNotContain(rt.Models.All, m => m.Name == "b");
    }

    [Fact]
    public void PlacementSizesReplicasAndSpreadsModels()
    {
        using var rt = new AxonRuntime(new RuntimeOptions { Cores = [0, 1, 2, 3] });
        using var group = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "g", Cores = 2 });
        using var repl = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "r", Cores = 2, Placement = Placement.Replicated });
        Assert.Single(group.ReplicaCores);
        Assert.Equal(2, group.ReplicaCores[0].Count);
        Assert.Equal(2, repl.ReplicaCores.Count);
        Assert.All(repl.ReplicaCores, c => Assert.Single(c));
        Assert.Empty(group.Cores.Intersect(repl.Cores));
        Assert.Equal(4, rt.Cores.Count(c => c.Models.Count == 1));
        var tooMany = Assert.Throws<AxonException>(() => rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "x", Cores = 5 }));
        Assert.Equal("AXR003", tooMany.Code);
        var dup = Assert.Throws<AxonException>(() => rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "g" }));
        Assert.Equal("AXR004", dup.Code);
    }

    [Theory]
    [InlineData("0-1", new[] { 0, 1 })]
    [InlineData("0,2", new[] { 0, 2 })]
    [InlineData(" 0-1, 4 ", new[] { 0, 1, 4 })]
    [InlineData("3", new[] { 3 })]
    public void CoreListsParse(string text, int[] expected) => Assert.Equal(expected, CoreList.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("2-1")]
    [InlineData("0,0")]
    [InlineData("-1")]
    public void BadCoreListsAreRejected(string text) => Assert.Equal("AXR001", Assert.Throws<AxonException>(() => CoreList.Parse(text)).Code);

    [Fact]
    public void CoresComeFromOptionsThenVisibleCoresThenNumCores()
    {
        Assert.Equal([5], CoreList.Resolve([5], _ => "0-1"));
        Assert.Equal([0, 1], CoreList.Resolve(null, n => n == "AXON_VISIBLE_CORES" ? "0-1" : "8"));
        Assert.Equal([0, 1, 2], CoreList.Resolve(null, n => n == "AXON_NUM_CORES" ? "3" : null));
        Assert.Equal(Environment.ProcessorCount, CoreList.Resolve(null, _ => null).Length);
        Assert.Throws<AxonException>(() => CoreList.Resolve(null, n => n == "AXON_NUM_CORES" ? "zero" : null));
    }
}
