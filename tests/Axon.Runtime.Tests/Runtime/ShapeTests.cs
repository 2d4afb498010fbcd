using System.Collections.Concurrent;
using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Runtime.Tests.Runtime;

public sealed class ShapeTests
{
    [Theory]
    [InlineData(1, new[] { 2 })]
    [InlineData(3, new[] { 4 })]
    [InlineData(4, new[] { 4 })]
    [InlineData(7, new[] { 4, 4 })]
    [InlineData(9, new[] { 4, 4, 2 })]
    public void ProfilesPadUpOrSplitAndSliceBackExactly(int rows, int[] runs)
    {
        var model = RuntimeFixtures.SmallMlp();
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var free = rt.Load(model, new ModelOptions { Name = "free" });
        using var fixedSizes = rt.Load(model, new ModelOptions { Name = "profiles", BatchProfiles = [2, 4] });
        var executed = new ConcurrentQueue<int>();
        fixedSizes.BeforeExecute = (inputs, _) => executed.Enqueue(inputs["x"].Shape[0]);
        var x = RuntimeFixtures.Input(rows, rows);
        var expected = free.Run(RuntimeFixtures.Feeds(x))["y"];
        var actual = fixedSizes.Run(RuntimeFixtures.Feeds(x))["y"];
        Assert.Equal(expected.Shape, actual.Shape);
        RuntimeFixtures.Close(expected.ToArray<float>(), actual.ToArray<float>(), 1e-6f);
        Assert.Equal(runs, executed.ToArray());
        Assert.Equal(rows, fixedSizes.Metrics.Rows);
    }

    [Fact]
    public async Task BatchedRequestsArePaddedToTheProfileToo()
    {
        var model = RuntimeFixtures.SmallMlp();
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(model, new ModelOptions
        {
            BatchProfiles = [4, 8],
            Batching = new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 1000 },
        });
        var executed = new ConcurrentQueue<int>();
        h.BeforeExecute = (inputs, _) => executed.Enqueue(inputs["x"].Shape[0]);
        var inputs = Enumerable.Range(0, 50).Select(i => RuntimeFixtures.Input(i)).ToArray();
        var results = await Task.WhenAll(inputs.Select(x => h.RunAsync(RuntimeFixtures.Feeds(x)))).WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < inputs.Length; i++)
        {
            RuntimeFixtures.Close(RuntimeFixtures.Reference(model, inputs[i]), results[i]["y"].ToArray<float>());
        }
        Assert.All(executed, b => Assert.Contains(b, new[] { 4, 8 }));
    }

    /// <summary>x [batch, seq] float, attention_mask [batch, seq] int64 -> y = relu(x) * mask, s = sum(y, axis 1).</summary>
    private static Model MaskedSum()
    {
        var b = new GraphBuilder("masked");
        var x = b.Input("x", DType.Float32, "batch", "seq");
        var mask = b.Input("attention_mask", DType.Int64, "batch", "seq");
        var m = b.Node("Cast", [mask], Attr.Of("to", (long)DType.Float32));
        var y = b.Node("Mul", [b.Node("Relu", [x]), m]);
        var s = b.Node("ReduceSum", [y, b.Int64s("axes", 1)], Attr.Of("keepdims", 0L));
        var sym = new SymShape([Dim.Sym("batch"), Dim.Sym("seq")]);
        b.Output(y, "y", TypeInfo.Tensor(DType.Float32, sym));
        b.Output(s, "s", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch")])));
        return b.Build();
    }

    private static Dictionary<string, Tensor> MaskedFeeds(int id, int rows, int seq)
    {
        var x = new float[rows * seq];
        var mask = new long[rows * seq];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Cos(id + i * 0.3f) + 0.5f;
            mask[i] = (i + id) % 5 == 0 ? 0 : 1;
        }
        return new() { ["x"] = Tensor.FromArray(x, rows, seq), ["attention_mask"] = Tensor.FromArray(mask, rows, seq) };
    }

    [Fact]
    public async Task BucketsPadSymbolicDimsAndSliceOutputsBack()
    {
        var model = MaskedSum();
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var free = rt.Load(model, new ModelOptions { Name = "free" });
        using var h = rt.Load(model, new ModelOptions
        {
            Name = "bucketed",
            Buckets = new Dictionary<string, int[]> { ["seq"] = [8, 16] },
            Batching = new BatchingOptions { MaxBatchSize = 8, MaxQueueDelayMicroseconds = 2000 },
        });
        var seqs = new ConcurrentQueue<int>();
        h.BeforeExecute = (inputs, _) => seqs.Enqueue(inputs["x"].Shape[1]);
        int[] lengths = [3, 8, 5, 11, 16, 1];
        var feeds = lengths.Select((l, i) => MaskedFeeds(i, 1 + i % 2, l)).ToArray();
        var results = await Task.WhenAll(feeds.Select(f => h.RunAsync(f))).WaitAsync(TimeSpan.FromSeconds(30));
        for (int i = 0; i < feeds.Length; i++)
        {
            var expected = free.Run(feeds[i]);
            Assert.Equal(expected["y"].Shape, results[i]["y"].Shape);
            Assert.Equal(expected["y"].ToArray<float>(), results[i]["y"].ToArray<float>());
            Assert.Equal(expected["s"].ToArray<float>(), results[i]["s"].ToArray<float>());
        }
        Assert.All(seqs, s => Assert.Contains(s, new[] { 8, 16 }));
        var tooLong = Assert.Throws<AxonInputException>(() => h.Run(MaskedFeeds(0, 1, 17)));
        Assert.Equal("AXR030", tooLong.Code);
        Assert.Contains("seq", tooLong.Message);
    }

    [Fact]
    public void TensorBlocksPadAndNarrowInnerAxes()
    {
        var t = Tensor.FromArray(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), 2, 3, 2);
        var padded = TensorBlocks.PadAxis(t, 1, 4);
        Assert.Equal([2, 4, 2], padded.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0], padded.ToArray<float>());
        var back = TensorBlocks.NarrowAxis(padded, 1, 3);
        Assert.Equal(t.ToArray<float>(), back.ToArray<float>());
        var rows = TensorBlocks.ConcatRows([t, TensorBlocks.Rows(t, 1, 1)]);
        Assert.Equal([3, 3, 2], rows.Shape);
        Assert.Equal(t.ToArray<float>().Concat(t.ToArray<float>().Skip(6)).ToArray(), rows.ToArray<float>());
    }
}
