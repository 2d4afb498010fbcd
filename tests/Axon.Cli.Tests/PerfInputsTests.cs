using System.Text.Json;
using Axon.Graph.Builder;
using Axon.IO;
using Axon.Onnx;
using Axon.Runtime.Perf;

namespace Axon.Cli.Tests;

public sealed class PerfInputsTests
{
    private static string SaveMlp(TempDir dir)
    {
        string path = dir.File("mlp.onnx");
        OnnxModel.Save(ModelZoo.Mlp(inputs: 16, hidden: [32], classes: 8), path);
        return path;
    }

    /// <summary>Sample folders s0, s1, ... each with x.npy of one row filled with the sample's index.</summary>
    private static string Samples(TempDir dir, int count, int rows = 1, int width = 16)
    {
        string root = dir.File("samples");
        for (int s = 0; s < count; s++)
        {
            string f = Path.Combine(root, $"s{s}");
            Directory.CreateDirectory(f);
            Npy.Write(Path.Combine(f, "x.npy"), Tensor.FromArray(Enumerable.Repeat((float)s, rows * width).ToArray(), [rows, width]));
        }
        return root;
    }

    [Fact]
    public void RequestsCycleThroughTheSamplesInBatchesOfThePointsSize()
    {
        using var dir = new TempDir();
        var inputs = ModelZoo.Mlp(inputs: 4, hidden: [8], classes: 2).Graph.RuntimeInputs.ToList();
        var feeds = SampleFeeds.Load(Samples(dir, 3, width: 4), inputs);
        Assert.Equal(3, feeds.Rows);
        var requests = feeds.Requests(batch: 2);
        // Rows 0..2 pooled; requests of 2 rows start at 0, 2, 4 (= 1): [0,1], [2,0], [1,2].
        Assert.Equal(2, requests.Length);
        Assert.Equal([2, 4], requests[0]["x"].Shape);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 1, 1 }, requests[0]["x"].ToArray<float>());
        Assert.Equal(new float[] { 2, 2, 2, 2, 0, 0, 0, 0 }, requests[1]["x"].ToArray<float>());
        var many = feeds.Requests(batch: 2, atLeast: 3);
        Assert.Equal(new float[] { 1, 1, 1, 1, 2, 2, 2, 2 }, many[2]["x"].ToArray<float>());
        var wide = feeds.Requests(batch: 7);
        Assert.Equal([7, 4], wide[0]["x"].Shape);
        Assert.Equal(new float[] { 0, 1, 2, 0, 1, 2, 0 }, wide[0]["x"].ToArray<float>().Where((_, i) => i % 4 == 0));
    }

    [Fact]
    public void PerfRunsOnRealSamples()
    {
        using var dir = new TempDir();
        string json = dir.File("out.json");
        var (code, _, err) = CliHarness.Run("perf", SaveMlp(dir), "--inputs", Samples(dir, 5), "--batch-sizes", "1,3", "--concurrency", "2",
            "--iterations", "20", "--warmup", "0s", "--json", json);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        Assert.All(doc.RootElement.EnumerateArray(), p =>
        {
            Assert.Equal(20, p.GetProperty("requests").GetInt32());
            Assert.Equal(0, p.GetProperty("errors").GetInt32());
        });
    }

    [Theory]
    [InlineData("missing", "AXQ002", "x.npy")]
    [InlineData("extra", "AXP010", "extra.npy")]
    [InlineData("dtype", "AXP011", "double")]
    [InlineData("rank", "AXP012", "[16]")]
    [InlineData("width", "AXP012", "[1,15]")]
    public void BadSampleFoldersNameWhatIsWrong(string defect, string code, string detail)
    {
        using var dir = new TempDir();
        string root = Samples(dir, 2);
        string s1 = Path.Combine(root, "s1", "x.npy");
        switch (defect)
        {
            case "missing": File.Delete(s1); break;
            case "extra": Npy.Write(Path.Combine(root, "s1", "extra.npy"), Tensor.FromArray(new float[] { 1 }, [1])); break;
            case "dtype": Npy.Write(s1, Tensor.FromArray(new double[16], [1, 16])); break;
            case "rank": Npy.Write(s1, Tensor.FromArray(new float[16], [16])); break;
            case "width": Npy.Write(s1, Tensor.FromArray(new float[15], [1, 15])); break;
        }
        var (exit, _, err) = CliHarness.Run("perf", SaveMlp(dir), "--inputs", root, "--iterations", "1", "--warmup", "0s");
        Assert.Equal(1, exit);
        Assert.Contains(code, err);
        Assert.Contains(detail, err);
        Assert.Contains(defect == "extra" ? "s1" : "x", err);
    }
}
