using Axon.Graph.Builder;
using Axon.Kernels.Threading;
using Axon.Runtime.Profiling;

namespace Axon.Runtime.Tests.Profiling;

/// <summary>The pool's per-thread loop records (what the profile's worker tracks are drawn from).</summary>
public sealed class WorkerTimelineTests
{
    private struct Spin : IParallelBody
    {
        public void Invoke(int index) => Thread.SpinWait(2000);
    }

    [Fact]
    public void EveryChunkOfEveryLoopIsRecordedOnceOnTheThreadThatRanIt()
    {
        using var pool = new WorkerPool(2);
        var timeline = new WorkerTimeline(pool.Threads);
        pool.For(64, new Spin()); // nothing attached: nothing recorded
        pool.Recorder = timeline;
        for (int loop = 0; loop < 20; loop++)
        {
            pool.For(64, new Spin());
        }
        pool.For(1, new Spin()); // a one-chunk loop runs inline on the caller
        pool.Recorder = null;
        pool.For(64, new Spin());
        long chunks = Enumerable.Range(0, 2).Sum(w => timeline.Loops(w).Sum(l => (long)l.Chunks));
        Assert.Equal(20 * 64 + 1, chunks);
        Assert.Equal(21, timeline.Loops(0).Count); // the caller always takes part
        Assert.InRange(timeline.Loops(1).Count, 0, 20);
        Assert.All(timeline.Loops(0).Concat(timeline.Loops(1)), l => Assert.True(l.End >= l.Start && l.Chunks >= 1));
    }

    [Fact]
    public void AProfileHasOneTrackPerWorkerAndLeavesThePoolUnobserved()
    {
        using var pool = new WorkerPool(2);
        using var session = new InferenceSession(ModelZoo.Mlp(), pool);
        var vi = session.Inputs[0];
        var shape = vi.Type.Shape.Dims.Select(d => d.IsKnown ? (int)d.Value : 64).ToArray();
        var feeds = new Dictionary<string, Tensor> { [vi.Name] = Axon.Testing.Seeded.Uniform(3, shape) };
        var peaks = new MachinePeaks(90, 10, 2, DateTimeOffset.UtcNow);
        var report = Profiler.Profile(session, feeds, iterations: 4, warmup: 1, threads: 2, peaks);
        Assert.Null(pool.Recorder);
        Assert.Equal([0, 1], report.Workers.Select(w => w.Index));
        var w0 = report.Workers[0];
        Assert.True(w0.Loops > 0 && w0.Chunks >= w0.Loops, $"worker 0: {w0.Loops} loops, {w0.Chunks} chunks");
        Assert.InRange(w0.BusyMs, 1e-6, report.MeasuredMs);
        var chunkSpans = report.Spans.Where(s => s.Category == "chunks").ToList();
        Assert.Equal(report.Workers.Sum(w => w.Loops), chunkSpans.Count);
        var nodeNames = report.Nodes.Select(n => n.Name).ToHashSet();
        // The calling thread's share of a loop sits inside the span of the node that ran it.
        var nodeSpans = report.Spans.Where(s => s.Category == "node").ToList();
        foreach (var c in chunkSpans.Where(c => c.ThreadId == 0))
        {
            Assert.Contains(c.Name, nodeNames);
            Assert.Contains(nodeSpans, n => n.Name == c.Name && n.StartUs <= c.StartUs && c.StartUs + c.DurationUs <= n.StartUs + n.DurationUs + 1e-6);
        }
    }
}
