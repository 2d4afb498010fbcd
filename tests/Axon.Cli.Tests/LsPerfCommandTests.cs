using System.Text.Json;
using Axon.Graph.Builder;
using Axon.Onnx;

namespace Axon.Cli.Tests;

[Collection(CacheDirCollection.Name)]
public sealed class LsPerfCommandTests
{
    private static string SaveMlp(TempDir dir)
    {
        string path = dir.File("mlp.onnx");
        OnnxModel.Save(ModelZoo.Mlp(inputs: 16, hidden: [32], classes: 8), path);
        return path;
    }

    [Fact]
    public void LsListsCoresFeaturesAndPlacedModelsAsJson()
    {
        using var dir = new TempDir();
        var (code, stdout, err) = CliHarness.Run("ls", SaveMlp(dir), "--replicated", "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var cores = doc.RootElement.GetProperty("cores");
        Assert.True(cores.GetArrayLength() >= 1);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("features").ValueKind);
        var model = doc.RootElement.GetProperty("models")[0];
        Assert.Equal("mlp", model.GetProperty("name").GetString());
        Assert.Equal("replicated", model.GetProperty("placement").GetString());
        Assert.Equal(cores.GetArrayLength(), model.GetProperty("replicas").GetArrayLength());
        Assert.True(model.GetProperty("weight_bytes").GetInt64() > 0);
    }

    [Fact]
    public void LsTableNamesTheCores()
    {
        var (code, stdout, _) = CliHarness.Run("ls");
        Assert.Equal(0, code);
        Assert.Contains("features:", stdout);
        Assert.Contains("core", stdout);
    }

    [Fact]
    public void LsPeaksReadsTheCacheAndRemeasureRefreshesIt()
    {
        // The cache location comes from AXON_CACHE_DIR, which ProfileCommandTests also sets: same collection, run in turn.
        using var dir = new TempDir();
        string old = Environment.GetEnvironmentVariable("AXON_CACHE_DIR") ?? "";
        Environment.SetEnvironmentVariable("AXON_CACHE_DIR", dir.Path);
        try
        {
            string cache = Path.Combine(dir.Path, "peaks.json");
            File.WriteAllText(cache, JsonSerializer.Serialize(new Axon.Runtime.Profiling.MachinePeaks(12.5, 3.25, Environment.ProcessorCount, DateTimeOffset.UnixEpoch, 12.5 * Environment.ProcessorCount)));
            var (code, stdout, err) = CliHarness.Run("ls", "--peaks", "--json");
            Assert.True(code == 0, err);
            using (var doc = JsonDocument.Parse(stdout))
            {
                var peaks = doc.RootElement.GetProperty("peaks");
                Assert.Equal(12.5, peaks.GetProperty("gflops_per_thread").GetDouble());
                Assert.Equal(12.5 * Environment.ProcessorCount, peaks.GetProperty("gflops_all_threads").GetDouble());
                Assert.Equal(3.25, peaks.GetProperty("memory_gbps").GetDouble());
                Assert.Equal(Math.Round(12.5 / 3.25, 3), peaks.GetProperty("ridge_flops_per_byte").GetDouble());
                Assert.Equal(cache, peaks.GetProperty("cache_file").GetString());
            }
            (code, stdout, err) = CliHarness.Run("ls", "--peaks", "--remeasure");
            Assert.True(code == 0, err);
            Assert.Contains("GFLOP/s FP32 FMA per thread", stdout);
            var fresh = JsonSerializer.Deserialize<Axon.Runtime.Profiling.MachinePeaks>(File.ReadAllText(cache))!;
            Assert.True(fresh.MeasuredUtc > DateTimeOffset.UnixEpoch);
            Assert.True(fresh.GflopsPerThread > 0 && fresh.MemoryGBps > 0 && fresh.GflopsAllThreads >= fresh.GflopsPerThread);
            using var plain = JsonDocument.Parse(CliHarness.Run("ls", "--json").Out);
            Assert.Equal(JsonValueKind.Null, plain.RootElement.GetProperty("peaks").ValueKind);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AXON_CACHE_DIR", old.Length == 0 ? null : old);
        }
    }

    [Fact]
    public void PerfWritesOnePointPerBatchAndCoreCount()
    {
        using var dir = new TempDir();
        string json = dir.File("out.json"), csv = dir.File("out.csv");
        var (code, stdout, err) = CliHarness.Run("perf", SaveMlp(dir), "--batch-sizes", "1,4", "--cores", "1", "--concurrency", "4",
            "--max-batch", "8", "--max-queue-delay-us", "200", "--iterations", "40", "--warmup", "0s", "--price-per-hour", "1.5",
            "--json", json, "--csv", csv);
        Assert.True(code == 0, err);
        Assert.Contains("p99", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        var p = doc.RootElement[1];
        Assert.Equal(4, p.GetProperty("batch_size").GetInt32());
        Assert.Equal(1, p.GetProperty("cores").GetInt32());
        Assert.Equal("fp32", p.GetProperty("precision").GetString());
        Assert.Equal(4, p.GetProperty("concurrency").GetInt32());
        Assert.Equal(8, p.GetProperty("max_batch").GetInt32());
        Assert.Equal(40, p.GetProperty("requests").GetInt32());
        Assert.True(p.GetProperty("throughput").GetDouble() > 0);
        Assert.True(p.GetProperty("p50_ms").GetDouble() <= p.GetProperty("p99_ms").GetDouble());
        Assert.True(p.GetProperty("p99_ms").GetDouble() <= p.GetProperty("p999_ms").GetDouble());
        Assert.True(p.GetProperty("cost_per_million").GetDouble() > 0);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("batch_size,cores,placement,precision,concurrency,max_batch,max_queue_delay_us,requests,errors,seconds,throughput,p50_ms", lines[0]);
    }

    [Theory]
    [InlineData("--batch-sizes", "0")]
    [InlineData("--duration", "soon")]
    [InlineData("--shape", "x")]
    [InlineData("--precision", "int4")]
    [InlineData("--precision", ",")]
    [InlineData("--instance", "no.such.instance")]
    [InlineData("--price-per-hour", "-1")]
    [InlineData("--inputs", "/nonexistent/samples")]
    public void PerfRejectsBadOptionsWithUsageErrors(string option, string value)
    {
        using var dir = new TempDir();
        var (code, _, err) = CliHarness.Run("perf", SaveMlp(dir), option, value, "--iterations", "1");
        Assert.Equal(2, code);
        Assert.Contains(option, err);
        Assert.Contains(value.Trim(','), err);
    }

    [Fact]
    public void PerfRejectsConflictingOptions()
    {
        using var dir = new TempDir();
        string model = SaveMlp(dir);
        var (code, _, err) = CliHarness.Run("perf", model, "--price-per-hour", "1", "--instance", "c6i.large", "--iterations", "1");
        Assert.Equal(2, code);
        Assert.Contains("--instance", err);
        (code, _, err) = CliHarness.Run("perf", model, "--inputs", dir.Path, "--dim", "batch=2", "--iterations", "1");
        Assert.Equal(2, code);
        Assert.Contains("--inputs", err);
        (code, _, err) = CliHarness.Run("ls", "--remeasure");
        Assert.Equal(2, code);
        Assert.Contains("--peaks", err);
    }

    [Fact]
    public void PerfHelpHasAnExample()
    {
        var (code, stdout, _) = CliHarness.Run("perf", "--help");
        Assert.Equal(0, code);
        Assert.Contains("Example: axon perf", stdout);
        Assert.Contains("--report", stdout);
        Assert.Contains("--inputs", stdout);
    }

    [Fact]
    public void PerfOnAMissingModelIsAModelError()
    {
        var (code, _, err) = CliHarness.Run("perf", "/nonexistent/model.onnx", "--iterations", "1");
        Assert.Equal(1, code);
        Assert.Contains("does not exist", err);
    }
}

/// <summary>Tests that set the process-wide AXON_CACHE_DIR run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CacheDirCollection
{
    public const string Name = "AXON_CACHE_DIR";
}
