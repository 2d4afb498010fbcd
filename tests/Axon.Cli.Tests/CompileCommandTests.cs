using Axon.IO;

namespace Axon.Cli.Tests;

public sealed class CompileCommandTests
{
    private static string Suite(string suite, string test) => Path.Combine(CliHarness.OnnxTests, suite, test);

    [Fact]
    public void CompilesRunsAndMatchesTheReferenceExecutor()
    {
        using var tmp = new TempDir();
        string dir = Suite("pytorch-converted", "test_Conv2d");
        string artifact = tmp.File("conv.axon");
        var (code, stdout, stderr) = CliHarness.Run("compile", Path.Combine(dir, "model.onnx"), "-o", artifact, "-O", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("nodes: 1 -> 1", stdout);
        Assert.True(File.Exists(artifact));

        string input = "0=" + Path.Combine(dir, "test_data_set_0", "input_0.pb");
        Assert.Equal(0, CliHarness.Run("run", artifact, "--input", input, "--output-dir", tmp.File("fast")).Code);
        Assert.Equal(0, CliHarness.Run("run", Path.Combine(dir, "model.onnx"), "--input", input, "--output-dir", tmp.File("ref")).Code);
        var fast = Npy.Read(Path.Combine(tmp.File("fast"), "3.npy")).ToArray<float>();
        var reference = Npy.Read(Path.Combine(tmp.File("ref"), "3.npy")).ToArray<float>();
        Assert.Equal(reference.Length, fast.Length);
        for (int i = 0; i < fast.Length; i++)
        {
            Assert.True(Math.Abs(fast[i] - reference[i]) <= 1e-4 * (1 + Math.Abs(reference[i])), $"element {i}: {fast[i]} vs {reference[i]}");
        }
    }

    [Fact]
    public void RunTimesTheCompiledPathAndWritesJson()
    {
        using var tmp = new TempDir();
        string dir = Suite("pytorch-converted", "test_Conv2d");
        string json = tmp.File("timing.json");
        var (code, stdout, stderr) = CliHarness.Run("run", Path.Combine(dir, "model.onnx"), "--input", "0=" + Path.Combine(dir, "test_data_set_0", "input_0.pb"),
            "--compile", "--threads", "2", "--iterations", "7", "--warmup", "1", "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Contains("timing (compiled, 2 threads)", stdout);
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("iterations").GetInt32());
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.Equal(7, root.GetProperty("samples_ms").GetArrayLength());
        double median = root.GetProperty("median_ms").GetDouble(), p90 = root.GetProperty("p90_ms").GetDouble();
        Assert.True(median > 0 && p90 >= median, $"median {median}, p90 {p90}");
        Assert.Equal(2, CliHarness.Run("run", Path.Combine(dir, "model.onnx"), "--threads", "0").Code);
    }

    [Fact]
    public void SecondCompileIsACacheHit()
    {
        using var tmp = new TempDir();
        string model = Path.Combine(Suite("pytorch-converted", "test_Linear"), "model.onnx");
        string[] args = ["compile", model, "-o", tmp.File("a.axon"), "--cache-dir", tmp.File("cache")];
        var first = CliHarness.Run(args);
        Assert.True(first.Code == 0, first.Err);
        Assert.DoesNotContain("cache hit", first.Out);
        var second = CliHarness.Run(args);
        Assert.True(second.Code == 0, second.Err);
        Assert.Contains("cache hit", second.Out);
    }

    [Fact]
    public void UsageErrorsExitWithTwoAndModelErrorsWithOne()
    {
        using var tmp = new TempDir();
        string model = Path.Combine(Suite("pytorch-converted", "test_Linear"), "model.onnx");
        Assert.Equal(2, CliHarness.Run("compile", model, "-O", "7").Code);
        Assert.Equal(2, CliHarness.Run("compile", model, "--batch-sizes", "1,x").Code);
        File.WriteAllBytes(tmp.File("bad.onnx"), [1, 2, 3, 4, 5]);
        var bad = CliHarness.Run("compile", tmp.File("bad.onnx"));
        Assert.Equal(1, bad.Code);
        Assert.Contains("error", bad.Err);
    }

    [Fact]
    public void ListsOperatorsWithTheirKernels()
    {
        var (code, stdout, _) = CliHarness.Run("compile", "--list-operators");
        Assert.Equal(0, code);
        Assert.Contains("MatMul", stdout);
        Assert.Contains("fast kernel + reference", stdout);
    }
}
