using System.Text.Json;
using Axon.Testing;

namespace Axon.Cli.Tests;

[Collection(CacheDirCollection.Name)]
public sealed class ProfileCommandTests
{
    [Fact]
    public void MiniLMProfileAccountsForTheMeasuredTimeAndWritesAValidTrace()
    {
        using var tmp = new TempDir();
        Environment.SetEnvironmentVariable("AXON_CACHE_DIR", tmp.File("cache"));
        string trace = tmp.File("trace.json"), summary = tmp.File("summary.json");
        var (code, stdout, stderr) = CliHarness.Run("profile", MiniLM.WriteTo(tmp.File("minilm.onnx")), "--dim", "batch=1", "--dim", "sequence=32", "--threads", "1",
            "--iterations", "3", "--warmup", "1", "--trace", trace, "--json", summary);
        Assert.True(code == 0, stderr);
        Assert.Contains("by op type:", stdout);
        Assert.Contains("axon:Attention", stdout);
        Assert.Matches(@"(compute|memory)\r?\n", stdout);

        using var s = JsonDocument.Parse(File.ReadAllText(summary));
        double coverage = s.RootElement.GetProperty("coverage").GetDouble();
        Assert.True(coverage >= 0.95, $"per-node entries cover only {coverage:P1} of the measured time");
        Assert.True(coverage <= 1.0001, $"coverage {coverage} above 100%: node times overlap");
        var byOp = s.RootElement.GetProperty("by_op").EnumerateArray().ToList();
        var attention = byOp.Single(o => o.GetProperty("op").GetString() == "axon:Attention");
        Assert.Equal(18, attention.GetProperty("calls").GetInt32()); // 6 layers x 3 iterations
        Assert.True(attention.GetProperty("flops").GetInt64() > 0);
        Assert.True(s.RootElement.GetProperty("peaks").GetProperty("memory_gbps").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(tmp.File("cache"), "peaks.json")));

        ValidateTrace(trace, expectedNodeEvents: 3 * s.RootElement.GetProperty("by_node").GetArrayLength());
    }

    [Fact]
    public void TheTraceHasATrackPerWorkerThreadWithTheChunksItRan()
    {
        using var tmp = new TempDir();
        Environment.SetEnvironmentVariable("AXON_CACHE_DIR", tmp.File("cache"));
        string trace = tmp.File("trace.json"), summary = tmp.File("summary.json");
        var (code, stdout, stderr) = CliHarness.Run("profile", MiniLM.WriteTo(tmp.File("minilm.onnx")), "--dim", "batch=1", "--dim", "sequence=32",
            "--threads", "2", "--iterations", "2", "--warmup", "1", "--trace", trace, "--json", summary);
        Assert.True(code == 0, stderr);
        Assert.Contains("worker threads busy in parallel loops: 0: ", stdout);
        using var s = JsonDocument.Parse(File.ReadAllText(summary));
        var workers = s.RootElement.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal([0, 1], workers.Select(w => w.GetProperty("index").GetInt32()));
        double measured = s.RootElement.GetProperty("measured_ms").GetDouble();
        Assert.All(workers, w => Assert.InRange(w.GetProperty("busy_ms").GetDouble(), 0, measured));
        Assert.True(workers[0].GetProperty("chunks").GetInt64() > 0);
        var nodeNames = s.RootElement.GetProperty("by_node").EnumerateArray().Select(n => n.GetProperty("name").GetString()).ToHashSet();

        var events = ValidateTrace(trace, expectedNodeEvents: 2 * nodeNames.Count);
        var names = events.Where(e => e.GetProperty("name").GetString() == "thread_name")
            .ToDictionary(e => e.GetProperty("tid").GetInt32(), e => e.GetProperty("args").GetProperty("name").GetString()!);
        Assert.StartsWith("worker 0", names[0]);
        Assert.Equal("worker 1", names[1]);
        var chunks = events.Where(e => e.TryGetProperty("cat", out var c) && c.GetString() == "chunks").ToList();
        var nodes = events.Where(e => e.TryGetProperty("cat", out var c) && c.GetString() == "node").ToList();
        // The helper thread ran chunks of real nodes; the calling thread's chunks nest inside their node's span.
        var helper = chunks.Where(e => e.GetProperty("tid").GetInt32() == 1).ToList();
        Assert.NotEmpty(helper);
        Assert.All(helper, e => Assert.Contains(e.GetProperty("name").GetString(), nodeNames));
        Assert.Equal(workers[1].GetProperty("loops").GetInt32(), helper.Count);
        foreach (var c in chunks.Where(e => e.GetProperty("tid").GetInt32() == 0))
        {
            double ts = c.GetProperty("ts").GetDouble(), end = ts + c.GetProperty("dur").GetDouble();
            Assert.Contains(nodes, n => n.GetProperty("name").GetString() == c.GetProperty("name").GetString()
                && n.GetProperty("ts").GetDouble() <= ts && end <= n.GetProperty("ts").GetDouble() + n.GetProperty("dur").GetDouble() + 1e-9);
        }
    }

    /// <summary>The trace-event format (JSON object form): required fields and their types per phase.</summary>
    private static List<JsonElement> ValidateTrace(string path, int expectedNodeEvents)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var events = doc.RootElement.GetProperty("traceEvents");
        Assert.Equal(JsonValueKind.Array, events.ValueKind);
        int nodes = 0, counters = 0;
        var named = new HashSet<int>();
        foreach (var e in events.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, e.GetProperty("name").ValueKind);
            string ph = e.GetProperty("ph").GetString()!;
            Assert.Equal(JsonValueKind.Number, e.GetProperty("pid").ValueKind);
            Assert.Equal(JsonValueKind.Number, e.GetProperty("tid").ValueKind);
            switch (ph)
            {
                case "M" when e.GetProperty("name").GetString() == "thread_sort_index":
                    Assert.Equal(JsonValueKind.Number, e.GetProperty("args").GetProperty("sort_index").ValueKind);
                    break;
                case "M":
                    Assert.Equal(JsonValueKind.String, e.GetProperty("args").GetProperty("name").ValueKind);
                    if (e.GetProperty("name").GetString() == "thread_name")
                    {
                        named.Add(e.GetProperty("tid").GetInt32());
                    }
                    break;
                case "X":
                    Assert.Equal(JsonValueKind.Number, e.GetProperty("ts").ValueKind);
                    Assert.Equal(JsonValueKind.Number, e.GetProperty("dur").ValueKind);
                    Assert.True(e.GetProperty("ts").GetDouble() >= 0);
                    Assert.True(e.GetProperty("dur").GetDouble() >= 0);
                    Assert.Equal(JsonValueKind.Object, e.GetProperty("args").ValueKind);
                    Assert.Contains(e.GetProperty("tid").GetInt32(), named); // every track is named
                    if (e.GetProperty("cat").GetString() == "node")
                    {
                        nodes++;
                        var args = e.GetProperty("args");
                        Assert.Equal(JsonValueKind.String, args.GetProperty("op").ValueKind);
                        Assert.Equal(JsonValueKind.Number, args.GetProperty("flops").ValueKind);
                        Assert.Equal(JsonValueKind.Number, args.GetProperty("bytes").ValueKind);
                    }
                    if (e.GetProperty("cat").GetString() == "chunks")
                    {
                        Assert.True(e.GetProperty("args").GetProperty("chunks").GetInt32() >= 1);
                    }
                    break;
                case "C":
                    Assert.Equal(JsonValueKind.Number, e.GetProperty("ts").ValueKind);
                    Assert.True(e.GetProperty("ts").GetDouble() >= 0);
                    foreach (var v in e.GetProperty("args").EnumerateObject())
                    {
                        Assert.Equal(JsonValueKind.Number, v.Value.ValueKind);
                        Assert.True(v.Value.GetDouble() >= 0);
                    }
                    counters++;
                    break;
                default:
                    Assert.Fail($"unexpected phase '{ph}'");
                    break;
            }
        }
        Assert.Equal(expectedNodeEvents, nodes);
        Assert.True(counters >= nodes, $"{counters} counter events for {nodes} node events");
        Assert.NotEmpty(named);
        return events.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    [Fact]
    public void BadOptionsAreUsageErrors()
    {
        using var tmp = new TempDir();
        string model = Path.Combine(CliHarness.OnnxTests, "node", "test_add", "model.onnx");
        Assert.Equal(2, CliHarness.Run("profile", model, "--dim", "seq").Code);
        Assert.Equal(2, CliHarness.Run("profile", model, "--iterations", "0").Code);
        Assert.Equal(1, CliHarness.Run("profile", tmp.File("missing.onnx")).Code);
    }
}
