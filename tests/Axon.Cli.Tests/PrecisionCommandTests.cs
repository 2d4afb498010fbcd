using System.Text.Json;
using Axon.Graph.Builder;
using Axon.IO;
using Axon.Onnx;

namespace Axon.Cli.Tests;

/// <summary>axon quantize and axon compare over a seeded MLP and sample folders written here.</summary>
public sealed class PrecisionCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private string Setup(int samples = 3)
    {
        string model = Path.Combine(_dir.Path, "mlp.onnx");
        OnnxModel.Save(ModelZoo.Mlp(inputs: 64, hidden: [96], classes: 10), model);
        var rng = new Random(5);
        for (int s = 0; s < samples; s++)
        {
            string d = Path.Combine(_dir.Path, "samples", $"s{s}");
            Directory.CreateDirectory(d);
            Npy.Write(Path.Combine(d, "x.npy"), Tensor.FromArray(Enumerable.Range(0, 4 * 64).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray(), 4, 64));
        }
        return model;
    }

    [Fact]
    public void CompareAModelWithItselfIsExactAndWritesJson()
    {
        string model = Setup();
        string json = Path.Combine(_dir.Path, "r.json");
        var (code, output, err) = CliHarness.Run("compare", model, model, "--inputs", Path.Combine(_dir.Path, "samples"), "--json", json);
        Assert.True(code == 0, err);
        Assert.Contains("top-1 agreement 100.00%", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var o = doc.RootElement.GetProperty("outputs")[0];
        Assert.Equal("y", o.GetProperty("name").GetString());
        Assert.Equal(1.0, o.GetProperty("cosine").GetDouble(), 9);
        Assert.Equal(0.0, o.GetProperty("max_abs").GetDouble());
        Assert.Equal(0.0, o.GetProperty("max_rel").GetDouble());
    }

    [Fact]
    public void QuantizeWritesAnInt8ArtifactThatComparesClose()
    {
        string model = Setup();
        string outPath = Path.Combine(_dir.Path, "mlp.int8.axon");
        // A model this small may not run faster in INT8: --force writes it regardless and warns.
        var (code, output, err) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--calibration", Path.Combine(_dir.Path, "samples"), "--force");
        Assert.True(code == 0, err);
        Assert.Contains("quantized 2 matrix product(s)", output);
        Assert.True(File.Exists(outPath));
        string json = Path.Combine(_dir.Path, "q.json");
        (code, _, err) = CliHarness.Run("compare", model, outPath, "--inputs", Path.Combine(_dir.Path, "samples"), "--json", json);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        double cos = doc.RootElement.GetProperty("outputs")[0].GetProperty("cosine").GetDouble();
        Assert.InRange(cos, 0.99, 1.0);
    }

    [Fact]
    public void QuantizeRefusesAModelBelowTheFloor()
    {
        string model = Setup();
        string outPath = Path.Combine(_dir.Path, "refused.axon");
        var (code, _, err) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--calibration", Path.Combine(_dir.Path, "samples"), "--min-cosine", "1");
        Assert.Equal(1, code);
        Assert.Contains("AXQ010", err);
        Assert.Contains("--min-cosine", err);
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void BadInvocationsNameTheProblem()
    {
        string model = Setup();
        Assert.Equal(2, CliHarness.Run("quantize", model).Code);
        Assert.Equal(2, CliHarness.Run("compare", model, model).Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--dynamic", "--method", "median").Code);
        File.Delete(Path.Combine(_dir.Path, "samples", "s1", "x.npy"));
        var (code, _, err) = CliHarness.Run("compare", model, model, "--inputs", Path.Combine(_dir.Path, "samples"));
        Assert.Equal(1, code);
        Assert.Contains("AXQ002", err);
        Assert.Contains("x.npy", err);
    }

    public void Dispose() => _dir.Dispose();
}
