using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Tensor = Axon.Tensor;

namespace Axon.Bench.Peers;

/// <summary>
/// ONNX Runtime's own per-node profile (SessionOptions.EnableProfiling), summed by op type and averaged over
/// <c>runs</c> runs, printed beside Axon's <c>--profile</c> lines. A separate session, so the timed one never profiles.
/// </summary>
internal static class OrtProfile
{
    public static void Print(byte[] model, int threads, IReadOnlyDictionary<string, Tensor> feeds, int runs, bool nodes = false)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"axon-ort-profile-{Environment.ProcessId}");
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using (var peer = new OrtPeer(model, options, feeds))
        {
            // Warm first, then profile only the measured runs.
            for (int i = 0; i < 20; i++)
            {
                peer.Run();
            }
        }
        options.EnableProfiling = true;
        options.ProfileOutputPathPrefix = prefix;
        string file;
        using (var peer = new OrtPeer(model, options, feeds))
        {
            for (int i = 0; i < 20; i++)
            {
                peer.Run();
            }
            file = peer.EndProfiling();
        }
        // Events: "cat": "Node", "name": "<node>_kernel_time", "dur" in µs, "args": { "op_name": ... }; a run's node events
        // precede its "model_run" event, so counting from the (20 - runs)th model_run keeps only the last `runs` runs.
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var byOp = new Dictionary<string, double>(StringComparer.Ordinal);
        var byNode = new Dictionary<string, double>(StringComparer.Ordinal);
        var order = new List<string>();
        int modelRuns = 0;
        int skip = 20 - runs;
        double total = 0;
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            string name = e.GetProperty("name").GetString() ?? "";
            string cat = e.TryGetProperty("cat", out var c) ? c.GetString() ?? "" : "";
            if (cat == "Session" && name == "model_run")
            {
                modelRuns++;
                if (modelRuns > skip)
                {
                    total += e.GetProperty("dur").GetDouble();
                }
                continue;
            }
            if (cat != "Node" || !name.EndsWith("_kernel_time", StringComparison.Ordinal) || modelRuns < skip)
            {
                continue;
            }
            string op = e.GetProperty("args").TryGetProperty("op_name", out var o) ? o.GetString() ?? "?" : "?";
            double dur = e.GetProperty("dur").GetDouble();
            byOp[op] = byOp.GetValueOrDefault(op) + dur;
            string node = $"{name[..^"_kernel_time".Length]} [{op}]";
            if (!byNode.TryGetValue(node, out var best))
            {
                order.Add(node);
                best = double.MaxValue;
            }
            byNode[node] = Math.Min(best, dur);
        }
        File.Delete(file);
        Console.WriteLine($"  ORT per-op profile (wall, {runs} runs, model_run {total / runs / 1e3:F3} ms):");
        foreach (var (op, us) in byOp.OrderByDescending(kv => kv.Value).Take(16))
        {
            Console.WriteLine($"  {us / runs / 1e3,9:F3} ms  {op}");
        }
        if (nodes)
        {
            // Per node in execution order, best of the profiled runs (wall): the peer of Axon's --profile-nodes list.
            Console.WriteLine("  ORT per node (best of the profiled runs, wall):");
            foreach (var node in order)
            {
                Console.WriteLine($"  {byNode[node] / 1e3,9:F3} ms  {node}");
            }
        }
    }
}
