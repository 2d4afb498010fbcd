using System.Text.Json;

namespace Axon.Runtime.Profiling;

/// <summary>
/// Writes a profile as Chrome trace-event JSON (the JSON object format that Perfetto and chrome://tracing open):
/// metadata events name the process and each thread's track, and every node run is a complete ("X") event with
/// <c>ts</c>/<c>dur</c> in microseconds, <c>pid</c>/<c>tid</c>, and <c>args</c> holding op, kernel, FLOPs and bytes;
/// counter ("C") events at each node's start give the achieved GFLOP/s and GB/s as a counter track. Track <c>tid</c> =
/// worker index: 0 is the thread that runs the model (iterations, nodes, and its own share of each parallel loop nested
/// under the node), 1.. the pool's helper threads, each showing the chunks it ran per node, so idle gaps between them
/// are the threads' unused time.
/// </summary>
public static class ChromeTrace
{
    private static void Counter(Utf8JsonWriter w, int pid, int tid, double ts, double gflops, double gbps)
    {
        w.WriteStartObject();
        w.WriteString("name", "achieved");
        w.WriteString("ph", "C");
        w.WriteNumber("ts", Math.Round(ts, 3));
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteNumber("GFLOP/s", Math.Round(gflops, 3));
        w.WriteNumber("GB/s", Math.Round(gbps, 3));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A metadata ("M") event: names or orders the process or a thread's track.</summary>
    private static void Metadata(Utf8JsonWriter w, int pid, int tid, string name, Action<Utf8JsonWriter> args)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        args(w);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Write(ProfileReport report, Stream output, string processName = "axon")
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = false });
        const int pid = 1;
        w.WriteStartObject();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartArray("traceEvents");
        Metadata(w, pid, 0, "process_name", a => a.WriteString("name", processName));
        foreach (int tid in report.Spans.Select(s => s.ThreadId).Distinct().Order())
        {
            string name = tid == 0 ? $"worker 0: runs the model ({report.Threads} kernel threads)" : $"worker {tid}";
            Metadata(w, pid, tid, "thread_name", a => a.WriteString("name", name));
            Metadata(w, pid, tid, "thread_sort_index", a => a.WriteNumber("sort_index", tid));
        }
        foreach (var s in report.Spans)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("cat", s.Category);
            w.WriteString("ph", "X");
            // Round both ends, not the duration, so a span inside another stays inside after rounding.
            double ts = Math.Round(s.StartUs, 3);
            w.WriteNumber("ts", ts);
            w.WriteNumber("dur", Math.Max(0, Math.Round(Math.Round(s.StartUs + Math.Max(0, s.DurationUs), 3) - ts, 3)));
            w.WriteNumber("pid", pid);
            w.WriteNumber("tid", s.ThreadId);
            w.WriteStartObject("args");
            if (s.Category == "chunks")
            {
                w.WriteNumber("chunks", s.Chunks);
            }
            if (s.Node is { } n)
            {
                w.WriteString("op", n.Op);
                w.WriteString("kernel", n.Kernel);
                w.WriteNumber("flops", n.Flops);
                w.WriteNumber("bytes", n.Bytes);
            }
            w.WriteEndObject();
            w.WriteEndObject();
            if (s.Category == "chunks")
            {
                continue;
            }
            if (s.Node is { } node)
            {
                double ns = Math.Max(s.DurationUs, 1e-3) * 1e3;
                Counter(w, pid, s.ThreadId, s.StartUs, node.Flops / ns, node.Bytes / ns);
            }
            else
            {
                // An iteration ends: the counters drop to zero between runs.
                Counter(w, pid, s.ThreadId, s.StartUs + Math.Max(0, s.DurationUs), 0, 0);
            }
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
