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
        // Every loop has at least one participant (a spinning helper may take all of a loop's chunks before the caller
        // starts); the one-chunk loop ran on the caller.
        Assert.InRange(timeline.Loops(0).Count, 1, 21);
        Assert.InRange(timeline.Loops(1).Count, 0, 20);
        Assert.InRange(timeline.Loops(0).Count + timeline.Loops(1).Count, 21, 41);
        Assert.Equal(1, timeline.Loops(0)[^1].Chunks);
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
        Assert.True(report.Workers.Sum(w => w.Loops) > 0, "the model's kernels ran parallel loops");
        Assert.All(report.Workers, w => Assert.True(w.Chunks >= w.Loops && w.BusyMs >= 0 && w.BusyMs <= report.MeasuredMs,
            $"worker {w.Index}: {w.Loops} loops, {w.Chunks} chunks, {w.BusyMs} ms busy of {report.MeasuredMs}"));
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
