using System.Text.Json;

namespace Axon.Cli.Tests;

/// <summary>`axon project`, `axon advise` and `axon compile --target` end to end (small models, no timing asserts).</summary>
public class TargetsCommandTests
{
    [Fact]
    public void ProjectWritesOneJsonEntryPerInstanceAndBatch()
    {
        using var dir = new TempDir();
        string json = dir.File("p.json");
        var (code, stdout, stderr) = CliHarness.Run("project", "zoo:mlp", "--instances", "inf2.xlarge,g5.xlarge", "--batch-sizes", "1,8,32", "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Contains("inf2.xlarge", stdout);
        Assert.Contains("±20%", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var entries = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(6, entries.Count);
        foreach (var e in entries)
        {
            foreach (var key in new[] { "instance", "target", "batch_size", "precision", "throughput", "latency_ms", "bound", "error_band" })
            {
                Assert.True(e.TryGetProperty(key, out _), key);
            }
            Assert.True(e.GetProperty("throughput").GetDouble() > 0);
            // Whole-instance throughput = replicas x batch / latency.
            double expect = e.GetProperty("replicas").GetInt32() * e.GetProperty("batch_size").GetInt32() * 1000.0 / e.GetProperty("latency_ms").GetDouble();
            Assert.Equal(expect, e.GetProperty("throughput").GetDouble(), expect * 1e-3);
        }
        Assert.Equal("neuroncore-v2", entries[0].GetProperty("target").GetString());
    }

    [Fact]
    public void AdviseRanksByCostAndExplains()
    {
        var (code, stdout, stderr) = CliHarness.Run("advise", "zoo:mlp", "--rps", "1000", "--p99-ms", "20", "--pricing", "ri-3y",
            "--instances", "inf2.xlarge,g4dn.xlarge,trn2.48xlarge", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var rows = doc.RootElement.GetProperty("options").EnumerateArray().ToList();
        Assert.Contains(rows, r => r.GetProperty("instance").GetString() == "cpu-local");
        var costs = rows.Select(r => r.GetProperty("cost_per_hour").GetDouble()).ToList();
        Assert.Equal(costs.Order(), costs);
        Assert.Contains(doc.RootElement.GetProperty("rejected").EnumerateArray(), r => r.GetString()!.StartsWith("trn2.48xlarge"));
    }

    [Fact]
    public void AdviseTrainingAndBadInputs()
    {
        var (code, stdout, stderr) = CliHarness.Run("advise", "zoo:mlp", "--train", "--epochs", "2", "--dataset-size", "60000", "--instances", "trn1.2xlarge,g5.xlarge");
        Assert.True(code == 0, stderr);
        Assert.Contains("trn1.2xlarge", stdout);
        Assert.Equal(2, CliHarness.Run("advise", "zoo:mlp", "--train").Code);
        var bad = CliHarness.Run("project", "zoo:mlp", "--instances", "inf9.huge");
        Assert.Equal(1, bad.Code);
        Assert.Contains("AXT003", bad.Err);
        Assert.Contains("AXT006", CliHarness.Run("advise", "zoo:mlp", "--no-cpu", "--pricing", "free").Err);
    }

    [Fact]
    public void CompileWithATargetPrintsTheProjection()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = CliHarness.Run("compile", CliHarness.Model("test_gemm_default_matrix_bias"), "-o", dir.File("m.axon"), "--target", "inf2");
        Assert.True(code == 0, stderr);
        Assert.Contains("projection on inf2", stdout);
        Assert.Contains("±20%", stdout);
        Assert.True(File.Exists(dir.File("m.axon")));
        Assert.Equal(1, CliHarness.Run("compile", CliHarness.Model("test_gemm_default_matrix_bias"), "-o", dir.File("n.axon"), "--target", "tpu").Code);
    }
}
