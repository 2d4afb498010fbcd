using Axon.Runtime.Profiling;

namespace Axon.Cli.Rendering;

/// <summary>The text tables and JSON summary of <c>axon profile</c>.</summary>
internal static class ProfileTables
{
    public static void Print(TextWriter o, ProfileReport r, int top)
    {
        var p = r.Peaks;
        o.WriteLine($"{r.Iterations} iterations on {r.Threads} thread(s): {r.MeasuredMs / r.Iterations:F3} ms per inference; " +
                    $"per-node entries cover {100 * r.Coverage:F1}% of the measured time");
        o.WriteLine($"machine peaks: {p.Gflops(r.Threads):F1} GFLOP/s ({p.GflopsPerThread:F1} per thread), {p.MemoryGBps:F1} GB/s copy; " +
                    $"ridge point {p.RidgePoint(r.Threads):F2} FLOP/B");
        if (r.Workers.Count > 0)
        {
            o.WriteLine("worker threads busy in parallel loops: " + string.Join(", ",
                r.Workers.Select(w => $"{w.Index}: {100 * w.Utilization(r.MeasuredMs):F0}% ({w.Chunks} chunks)")));
        }
        o.WriteLine();
        o.WriteLine("by op type:");
        Table(o, r, r.ByOp(), nameWidth: 0);
        o.WriteLine();
        o.WriteLine($"by node (top {Math.Min(top, r.Nodes.Count)} of {r.Nodes.Count}):");
        Table(o, r, r.Nodes.OrderByDescending(n => n.TotalMs).Take(top).ToList(), nameWidth: 34);
    }

    private static void Table(TextWriter o, ProfileReport r, IReadOnlyList<NodeProfile> rows, int nameWidth)
    {
        string head = nameWidth > 0 ? $"  {"node",-34} " : "  ";
        o.WriteLine($"{head}{"op",-22} {"share",6} {"calls",6} {"ms",9} {"FLOPs",9} {"bytes",9} {"GFLOP/s",8} {"GB/s",7} {"FLOP/B",7}  bound");
        double total = r.NodeMs;
        foreach (var n in rows)
        {
            string name = nameWidth > 0 ? $"  {Fit(n.Name, 34),-34} " : "  ";
            string bound = n.Bytes == 0 ? "-" : r.ComputeBound(n) ? "compute" : "memory";
            o.WriteLine($"{name}{Fit(n.Op, 22),-22} {100 * n.TotalMs / Math.Max(total, 1e-9),5:F1}% {n.Calls,6} {n.TotalMs,9:F3} " +
                        $"{ValueFormat.Si(n.Flops, ""),9} {ValueFormat.Si(n.Bytes, ""),9} {n.Gflops,8:F2} {n.GBps,7:F2} {n.Intensity,7:F2}  {bound}");
        }
    }

    /// <summary>The machine-readable summary (the trace is separate).</summary>
    public static object Summary(ProfileReport r)
    {
        object Row(NodeProfile n) => new
        {
            name = n.Name, op = n.Op, kernel = n.Kernel, calls = n.Calls, total_ms = n.TotalMs, share = r.NodeMs > 0 ? n.TotalMs / r.NodeMs : 0,
            flops = n.Flops, bytes = n.Bytes, gflops = n.Gflops, gbps = n.GBps, intensity = n.Intensity,
            bound = n.Bytes == 0 ? "none" : r.ComputeBound(n) ? "compute" : "memory",
        };
        return new
        {
            iterations = r.Iterations,
            threads = r.Threads,
            measured_ms = r.MeasuredMs,
            node_ms = r.NodeMs,
            coverage = r.Coverage,
            peaks = new { gflops = r.Peaks.Gflops(r.Threads), gflops_per_thread = r.Peaks.GflopsPerThread, memory_gbps = r.Peaks.MemoryGBps },
            workers = r.Workers.Select(w => new { index = w.Index, busy_ms = w.BusyMs, utilization = w.Utilization(r.MeasuredMs), loops = w.Loops, chunks = w.Chunks }).ToList(),
            by_op = r.ByOp().Select(Row).ToList(),
            by_node = r.Nodes.Select(Row).ToList(),
        };
    }

    private static string Fit(string s, int w) => s.Length <= w ? s : "…" + s[^(w - 1)..];
}
