using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Runtime.Perf;

namespace Axon.Runtime.Tests.Runtime;

public sealed class PerfRunnerTests
{
    [Fact]
    public void MeasuresEveryPointThroughTheBatcher()
    {
        var progress = new List<PerfProgress>();
        var points = PerfRunner.Run(new PerfOptions
        {
            Model = RuntimeFixtures.SmallMlp(),
            BatchSizes = [1, 2],
            Cores = [1],
            Concurrency = 8,
            MaxBatch = 8,
            MaxQueueDelayMicroseconds = 500,
            Iterations = 64,
            Warmup = TimeSpan.Zero,
            PricePerHour = 2,
        }, new SyncProgress(progress.Add));
        Assert.Equal(2, points.Count);
        Assert.All(points, p =>
        {
            Assert.Equal(64, p.Requests);
            Assert.Equal(0, p.Errors);
            Assert.True(p.Throughput > 0);
            Assert.True(p.P50Ms > 0 && p.P50Ms <= p.P90Ms && p.P90Ms <= p.P99Ms && p.P99Ms <= p.P999Ms);
            Assert.True(p.AvgExecutedBatch >= 1);
            Assert.Equal("fp32", p.Precision);
            Assert.NotNull(p.CostPerMillion);
        });
        Assert.Equal(2, points[1].BatchSize);
        Assert.Contains(progress, p => p.Point == 2 && p.Fraction == 1);
    }

    [Fact]
    public void PercentilesUseNearestRank()
    {
        var v = Enumerable.Range(1, 1000).Select(i => (double)i).ToList();
        Assert.Equal(500, PerfRunner.Percentile(v, 0.5));
        Assert.Equal(990, PerfRunner.Percentile(v, 0.99));
        Assert.Equal(999, PerfRunner.Percentile(v, 0.999));
        Assert.Equal(0, PerfRunner.Percentile([], 0.5));
    }

    [Fact]
    public void GeneratedInputsFollowTheSignature()
    {
        var b = new GraphBuilder("bert-like");
        b.Input("input_ids", DType.Int64, "batch", "sequence");
        b.Input("attention_mask", DType.Int64, "batch", "sequence");
        b.Input("token_type_ids", DType.Int64, "batch", "sequence");
        b.Input("features", DType.Float32, "batch", 4);
        var inputs = b.Build().Graph.Inputs;
        var feeds = InputGenerator.Generate(inputs, 3, dims: new Dictionary<string, int> { ["sequence"] = 7 });
        Assert.Equal([3, 7], feeds["input_ids"].Shape);
        Assert.All(feeds["input_ids"].ToArray<long>(), v => Assert.InRange(v, 0, 999));
        Assert.All(feeds["attention_mask"].ToArray<long>(), v => Assert.Equal(1, v));
        Assert.All(feeds["token_type_ids"].ToArray<long>(), v => Assert.Equal(0, v));
        Assert.Equal([3, 4], feeds["features"].Shape);
        var fixedShape = InputGenerator.Generate(inputs, 2, shapes: new Dictionary<string, int[]> { ["input_ids"] = [1, 5] });
        Assert.Equal([2, 5], fixedShape["input_ids"].Shape);
        Assert.Equal([2, InputGenerator.DefaultSymbolicDim], fixedShape["attention_mask"].Shape);
    }

    private sealed class SyncProgress(Action<PerfProgress> a) : IProgress<PerfProgress>
    {
        public void Report(PerfProgress value) => a(value);
    }
}
