using System.Diagnostics;
using System.Runtime.CompilerServices;
using Axon.Compiler.Planning;
using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Graph.Ops;

namespace Axon.Runtime.Profiling;

/// <summary>One node of a profile: where its time went (all calls) and what one call does (FLOPs, bytes read and written).</summary>
public sealed record NodeProfile(string Name, string Op, string Kernel, int Calls, double TotalMs, long Flops, long Bytes)
{
    /// <summary>FLOPs per byte moved (0 when the node moves nothing).</summary>
    public double Intensity => Bytes > 0 ? (double)Flops / Bytes : 0;

    public double Gflops => TotalMs > 0 ? Flops * (double)Calls / (TotalMs * 1e6) : 0;

    public double GBps => TotalMs > 0 ? Bytes * (double)Calls / (TotalMs * 1e6) : 0;
}

/// <summary>
/// One "X" event of the trace, start and duration in microseconds: a whole iteration or a node run (category
/// <c>iteration</c>, <c>node</c>; thread 0, the thread that runs the model), or one worker thread's share of a node's
/// parallel loop (category <c>chunks</c>, thread = worker index, 0 being the calling thread, with the chunk count).
/// </summary>
public sealed record TraceSpan(string Name, string Category, double StartUs, double DurationUs, int ThreadId, NodeProfile? Node, int Chunks = 0);

/// <summary>One worker thread of the profiled pool: time inside parallel-loop chunks over the measured runs.</summary>
public sealed record WorkerProfile(int Index, double BusyMs, int Loops, long Chunks)
{
    /// <summary>Busy time as a share of the measured wall time (0..1).</summary>
    public double Utilization(double measuredMs) => measuredMs > 0 ? Math.Min(1, BusyMs / measuredMs) : 0;
}

/// <summary>The result of profiling: per node, per op type, the measured time and the trace.</summary>
public sealed class ProfileReport
{
    public required IReadOnlyList<NodeProfile> Nodes { get; init; }
    public required IReadOnlyList<TraceSpan> Spans { get; init; }
    public required int Iterations { get; init; }
    public required int Threads { get; init; }

    /// <summary>Wall time of the profiled runs, measured around each whole <c>Run</c> call.</summary>
    public required double MeasuredMs { get; init; }

    public required MachinePeaks Peaks { get; init; }

    /// <summary>Per worker thread of the pool (index 0 is the calling thread): time spent in parallel-loop chunks.</summary>
    public IReadOnlyList<WorkerProfile> Workers { get; init; } = [];

    /// <summary>Time inside node entries (all iterations).</summary>
    public double NodeMs => Nodes.Sum(n => n.TotalMs);

    /// <summary>The share of the measured time the node entries account for.</summary>
    public double Coverage => MeasuredMs > 0 ? NodeMs / MeasuredMs : 0;

    /// <summary>Nodes grouped by op type, most time first (FLOPs and bytes are per call, averaged over the group).</summary>
    public IReadOnlyList<NodeProfile> ByOp() => Nodes.GroupBy(n => n.Op).Select(g =>
    {
        long calls = Math.Max(1, g.Sum(n => (long)n.Calls));
        return new NodeProfile(g.Key, g.Key, string.Join(",", g.Select(n => n.Kernel).Distinct().Take(3)), (int)calls, g.Sum(n => n.TotalMs),
            g.Sum(n => n.Flops * n.Calls) / calls, g.Sum(n => n.Bytes * n.Calls) / calls);
    }).OrderByDescending(n => n.TotalMs).ToList();

    /// <summary>True when the node's arithmetic intensity is above the machine's ridge point.</summary>
    public bool ComputeBound(NodeProfile n) => n.Intensity >= Peaks.RidgePoint(Threads);
}

/// <summary>
/// Runs a session with per-node timing (through <see cref="InferenceSession.Run(IReadOnlyDictionary{string, Tensor}, Action{PlanStep, double}?)"/>)
/// and gathers the per-node profile, the cost of each node at the run's shapes (FLOPs, bytes) and trace spans.
/// </summary>
public static class Profiler
{
    public static ProfileReport Profile(InferenceSession session, IReadOnlyDictionary<string, Tensor> inputs, int iterations, int warmup, int threads, MachinePeaks peaks)
    {
        for (int i = 0; i < warmup; i++)
        {
            session.Run(inputs);
        }
        long origin = Stopwatch.GetTimestamp();
        double Us(long timestamp) => (timestamp - origin) * 1e6 / Stopwatch.Frequency;
        var pool = session.Pool;
        var timeline = new WorkerTimeline(pool.Threads);
        var log = new StepLog(session.Plans.Sum(p => p.Steps.Count) * iterations + 64);
        var runs = new (long Start, long End)[iterations];
        Action<PlanStep, double> record = log.Record;
        pool.Recorder = timeline; // only for the measured runs: warm-up and normal runs record nothing
        try
        {
            for (int it = 0; it < iterations; it++)
            {
                runs[it].Start = Stopwatch.GetTimestamp();
                session.Run(inputs, record);
                runs[it].End = Stopwatch.GetTimestamp();
            }
        }
        finally
        {
            pool.Recorder = null;
        }
        // Aggregate after the runs, so the time between steps holds only the executor's own work, not the profiler's.
        var acc = new Dictionary<PlanStep, (int Calls, double Ms)>(ReferenceEqualityComparer.Instance);
        var order = new List<PlanStep>();
        var spans = new List<(PlanStep? Step, string Name, double Start, double Dur)>(log.Count + iterations);
        for (int i = 0; i < log.Count; i++)
        {
            var (step, ms, end) = (log.Steps[i], log.Ms[i], Us(log.End[i]));
            if (!acc.TryGetValue(step, out var a))
            {
                order.Add(step);
            }
            acc[step] = (a.Calls + 1, a.Ms + ms);
            spans.Add((step, step.Node.DisplayName, end - ms * 1000, ms * 1000));
        }
        double measured = 0;
        for (int it = 0; it < iterations; it++)
        {
            double runStart = Us(runs[it].Start), runEnd = Us(runs[it].End);
            measured += (runEnd - runStart) / 1000;
            spans.Add((null, $"iteration {it}", runStart, runEnd - runStart));
        }
        var plan = session.Plans.First(p => order.Count == 0 || p.Steps.Contains(order[0]));
        var nodes = new Dictionary<PlanStep, NodeProfile>(ReferenceEqualityComparer.Instance);
        foreach (var step in order)
        {
            var (flops, bytes) = Cost(plan, step);
            var (calls, ms) = acc[step];
            string op = step.Node.Domain.Length > 0 ? $"{step.Node.Domain}:{step.Node.OpType}" : step.Node.OpType;
            nodes[step] = new NodeProfile(step.Node.DisplayName, op, step.KernelName, calls, ms, flops, bytes);
        }
        return new ProfileReport
        {
            Nodes = order.Select(s => nodes[s]).ToList(),
            Spans = spans.Select(s => new TraceSpan(s.Name, s.Step is null ? "iteration" : "node", s.Start, s.Dur, 0,
                s.Step is null ? null : nodes[s.Step])).Concat(WorkerSpans(timeline, spans, nodes, Us)).ToList(),
            Workers = Enumerable.Range(0, timeline.Workers).Select(w => new WorkerProfile(w,
                timeline.Loops(w).Sum(l => Us(l.End) - Us(l.Start)) / 1000, timeline.Loops(w).Count, timeline.Loops(w).Sum(l => (long)l.Chunks))).ToList(),
            Iterations = iterations,
            Threads = threads,
            MeasuredMs = measured,
            Peaks = peaks,
        };
    }

    /// <summary>
    /// Each worker's part of each parallel loop, named after the node that ran it and clamped into that node's span so
    /// the trace nests chunks under their node. Steps run one after another and each step's callback returns before the
    /// next starts, so a loop belongs to the first node span that ends at or after the loop's end. A node span's start
    /// is derived from its duration and sits late by the callback's delay (under load, a preemption can make that
    /// long), hence the clamp.
    /// </summary>
    private static IEnumerable<TraceSpan> WorkerSpans(WorkerTimeline timeline, List<(PlanStep? Step, string Name, double Start, double Dur)> spans,
        Dictionary<PlanStep, NodeProfile> nodes, Func<long, double> us)
    {
        var nodeSpans = spans.Where(s => s.Step is not null).OrderBy(s => s.Start + s.Dur).ToArray();
        var ends = nodeSpans.Select(s => s.Start + s.Dur).ToArray();
        for (int w = 0; w < timeline.Workers; w++)
        {
            foreach (var (start, end, chunks) in timeline.Loops(w))
            {
                double s0 = us(start), s1 = us(end);
                int i = Array.BinarySearch(ends, s1);
                i = i >= 0 ? i : ~i;
                if (i < nodeSpans.Length)
                {
                    var n = nodeSpans[i];
                    s0 = Math.Clamp(s0, n.Start, n.Start + n.Dur);
                    s1 = Math.Clamp(s1, s0, n.Start + n.Dur);
                    yield return new TraceSpan(n.Name, "chunks", s0, s1 - s0, w, nodes[n.Step!], chunks);
                }
                else
                {
                    yield return new TraceSpan("parallel loop", "chunks", s0, s1 - s0, w, null, chunks);
                }
            }
        }
    }

    /// <summary>
    /// The per-step callback's whole job during the measured runs: append the step, its time and a timestamp to
    /// preallocated arrays. Compiled fully optimized from the first call, so the profiler's own cost between steps does
    /// not depend on how far the JIT has tiered up (under load the background tier-up can lag by seconds).
    /// </summary>
    private sealed class StepLog(int capacity)
    {
        public PlanStep[] Steps = new PlanStep[Math.Max(16, capacity)];
        public double[] Ms = new double[Math.Max(16, capacity)];
        public long[] End = new long[Math.Max(16, capacity)];
        public int Count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Record(PlanStep step, double ms)
        {
            long now = Stopwatch.GetTimestamp();
            if (Count == Steps.Length)
            {
                Array.Resize(ref Steps, Count * 2);
                Array.Resize(ref Ms, Count * 2);
                Array.Resize(ref End, Count * 2);
            }
            Steps[Count] = step;
            Ms[Count] = ms;
            End[Count] = now;
            Count++;
        }
    }

    /// <summary>FLOPs and bytes of one step at the plan's concrete shapes (the op schema's cost rule).</summary>
    private static (long Flops, long Bytes) Cost(ExecutionPlan plan, PlanStep step)
    {
        TypeInfo? TypeOf(int slot) => slot >= 0 && plan.Slots[slot] is { Shape: { } shape } s
            ? TypeInfo.Tensor(s.DType, SymShape.Of(shape)) : null;
        var ins = step.Inputs.Select(TypeOf).ToArray();
        var outs = step.Outputs.Select(TypeOf).ToArray();
        var ctx = new CostContext(step.Node, step.Opset, ins, outs);
        try
        {
            var cost = SchemaRegistry.Find(step.Node.Domain, step.Node.OpType) is { } schema ? schema.Cost(ctx) : ctx.Memory(SymExpr.Zero);
            return (cost.Flops.ConstValue ?? 0, (cost.BytesRead + cost.BytesWritten).ConstValue ?? 0);
        }
        catch (Exception e) when (e is AxonException or ArgumentException or InvalidOperationException or OverflowException or IndexOutOfRangeException)
        {
            return (0, 0);
        }
    }
}
