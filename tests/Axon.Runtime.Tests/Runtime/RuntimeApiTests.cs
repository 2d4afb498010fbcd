namespace Axon.Runtime.Tests.Runtime;

public sealed class RuntimeApiTests
{
    [Fact]
    public void RunMatchesTheReferenceExecutor()
    {
        var model = RuntimeFixtures.SmallMlp();
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(model, new ModelOptions { Name = "mlp" });
        var x = RuntimeFixtures.Input(3, rows: 5);
        var y = h.Run(RuntimeFixtures.Feeds(x))["y"];
        Assert.Equal([5, 8], y.Shape);
        RuntimeFixtures.Close(RuntimeFixtures.Reference(model, x), y.ToArray<float>());
        Assert.Equal(1, h.Metrics.RequestsOk);
        Assert.Equal("mlp", h.Name);
        Assert.Equal(1, h.Version);
        Assert.Equal("x", h.Inputs.Single().Name);
        Assert.True(rt.Cores.All(c => c.BusyTime > TimeSpan.Zero));
    }

    [Fact]
    public async Task RunAsyncWithoutBatchingMatchesRun()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp());
        var x = RuntimeFixtures.Input(9, rows: 2);
        var direct = h.Run(RuntimeFixtures.Feeds(x))["y"].ToArray<float>();
        var queued = (await h.RunAsync(RuntimeFixtures.Feeds(x)))["y"].ToArray<float>();
        Assert.Equal(direct, queued);
        Assert.Null(h.MaxBatchSize);
    }

    [Fact]
    public void BadInputsNameWhatIsWrong()
    {
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(RuntimeFixtures.SmallMlp(), new ModelOptions { Name = "mlp" });
        var missing = Assert.Throws<AxonInputException>(() => h.Run(new Dictionary<string, Tensor>()));
        Assert.Contains("'x'", missing.Message);
        var wrongWidth = Assert.Throws<AxonInputException>(() => h.Run(RuntimeFixtures.Feeds(RuntimeFixtures.Input(1, 1, width: 15))));
        Assert.Equal("AXON207", wrongWidth.Code);
        var extra = Assert.Throws<AxonInputException>(() => h.Run(new Dictionary<string, Tensor> { ["x"] = RuntimeFixtures.Input(1), ["z"] = RuntimeFixtures.Input(1) }));
        Assert.Contains("'z'", extra.Message);
        Assert.Equal(3, h.Metrics.RequestsFailed);
    }
}
