using System.Text.Json;
using Axon.Graph;
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

    [Fact]
    public void StaticQuantizeWritesTheArtifactAndAQdqOnnxModel()
    {
        string model = Setup();
        string outPath = Path.Combine(_dir.Path, "mlp.static.axon");
        string onnx = Path.Combine(_dir.Path, "mlp.qdq.onnx");
        var (code, output, err) = CliHarness.Run("quantize", model, "-o", outPath, "--calibration", Path.Combine(_dir.Path, "samples"),
            "--method", "percentile", "--percentile", "99.9", "--per-channel", "--symmetric", "--emit-onnx", onnx, "--force");
        Assert.True(code == 0, err);
        Assert.Contains("quantized 2 Conv/MatMul/Gemm node(s) to INT8 (static, percentile calibration: int8 symmetric activations, weights per channel)", output);
        Assert.Contains("calibrate: histograms", err);
        Assert.True(File.Exists(outPath));
        var qdq = OnnxModel.Load(onnx);
        Assert.Equal(2, qdq.Graph.Nodes.Count(n => n.OpType == "QuantizeLinear"));
        Assert.Equal(2, qdq.Graph.Nodes.Count(n => n.OpType == "DequantizeLinear" && n.GetInt("axis", -1) == 1));
        // The artifact compares close to FP32 on the samples.
        string json = Path.Combine(_dir.Path, "s.json");
        (code, _, err) = CliHarness.Run("compare", model, outPath, "--inputs", Path.Combine(_dir.Path, "samples"), "--json", json);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.InRange(doc.RootElement.GetProperty("outputs")[0].GetProperty("cosine").GetDouble(), 0.99, 1.0);
    }

    [Fact]
    public void StaticQuantizeRefusesWithoutForceAndNeedsCalibration()
    {
        string model = Setup();
        string outPath = Path.Combine(_dir.Path, "refused-static.axon");
        var (code, _, err) = CliHarness.Run("quantize", model, "-o", outPath, "--calibration", Path.Combine(_dir.Path, "samples"), "--min-cosine", "1");
        Assert.Equal(1, code);
        Assert.Contains("AXQ010", err);
        Assert.False(File.Exists(outPath));
        Assert.Equal(2, CliHarness.Run("quantize", model, "--method", "entropy").Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--calibration", Path.Combine(_dir.Path, "samples"), "--auto-exclude").Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--dynamic", "--auto-exclude", "--max-excluded", "0").Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--calibration", Path.Combine(_dir.Path, "samples"), "--weight-bits", "4").Code);
    }

    [Fact]
    public void DynamicOnnxFormWithAutoExclusionKeepsTheMostSensitiveProductInFp32()
    {
        Setup();
        var b = new GraphBuilder("mm-mlp");
        var h = b.Input("x", DType.Float32, "batch", 64);
        h = b.Relu(b.Add(b.MatMul(h, b.RandomWeight("w1", [64, 96], 3)), b.Zeros("b1", [96])));
        h = b.Relu(b.MatMul(h, b.RandomWeight("w2", [96, 96], 4)));
        b.Output(b.MatMul(h, b.RandomWeight("w3", [96, 10], 5, WeightInit.Xavier)), "y");
        string model = Path.Combine(_dir.Path, "mm.onnx");
        OnnxModel.Save(b.Build(), model);
        string outPath = Path.Combine(_dir.Path, "mm.int8.axon"), onnxPath = Path.Combine(_dir.Path, "mm.int8.onnx");
        // A floor no INT8 model reaches: the search runs, keeps at most one product in FP32 and still misses (--force writes).
        var (code, output, err) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--emit-onnx", onnxPath, "--auto-exclude",
            "--max-excluded", "1", "--min-cosine", "0.99999999", "--calibration", Path.Combine(_dir.Path, "samples"), "--force");
        Assert.True(code == 0, err);
        Assert.Contains("sensitivity: worst cosine", output);
        Assert.Contains("kept 1 product(s) in FP32", output);
        Assert.Contains("floor NOT met", output);
        Assert.Contains("quantized 2 MatMul(s) to INT8 (dynamic, ONNX form", output);
        Assert.Contains("warning: cosine", err);
        var written = OnnxModel.Load(onnxPath);
        Assert.Equal(2, written.Graph.Nodes.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal(1, written.Graph.Nodes.Count(n => n.OpType == "MatMul"));
        Assert.True(File.Exists(outPath));
    }

    [Fact]
    public void DynamicOnnxFormPerRowWritesTheRowQuantizationInStandardOps()
    {
        Setup();
        var b = new GraphBuilder("mm-mlp-rows");
        var h = b.Input("x", DType.Float32, "batch", 64);
        h = b.Relu(b.Add(b.MatMul(h, b.RandomWeight("w1", [64, 96], 3)), b.Zeros("b1", [96])));
        h = b.Relu(b.MatMul(h, b.RandomWeight("w2", [96, 96], 4)));
        b.Output(b.MatMul(h, b.RandomWeight("w3", [96, 10], 5, WeightInit.Xavier)), "y");
        string model = Path.Combine(_dir.Path, "mm-rows.onnx");
        OnnxModel.Save(b.Build(), model);
        string outPath = Path.Combine(_dir.Path, "mm-rows.int8.axon"), onnxPath = Path.Combine(_dir.Path, "mm-rows.int8.onnx");
        string samples = Path.Combine(_dir.Path, "samples");
        Assert.Equal(2, CliHarness.Run("quantize", model, "--dynamic", "--per-row").Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--calibration", samples, "--emit-onnx", onnxPath, "--per-row").Code);
        var (code, output, err) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--emit-onnx", onnxPath, "--per-row", "--calibration", samples, "--force");
        Assert.True(code == 0, err);
        Assert.Contains("quantized 3 MatMul(s) to INT8 (dynamic, ONNX form: weights per channel, activations per row)", output);
        var written = OnnxModel.Load(onnxPath);
        Assert.Equal(3, written.Graph.Nodes.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal(3, written.Graph.Nodes.Count(n => n.OpType == "ReduceMin"));
        Assert.Equal(0, written.Graph.Nodes.Count(n => n.OpType == "DynamicQuantizeLinear"));
        // The artifact is that file compiled: per-row INT8 products, close to FP32 on the samples.
        string json = Path.Combine(_dir.Path, "rows.json");
        (code, _, err) = CliHarness.Run("compare", model, outPath, "--inputs", samples, "--json", json);
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.InRange(doc.RootElement.GetProperty("outputs")[0].GetProperty("cosine").GetDouble(), 0.99, 1.0);
    }

    [Fact]
    public void PrecisionSweepTabulatesEveryMode()
    {
        string model = Setup();
        string samples = Path.Combine(_dir.Path, "samples");
        string json = Path.Combine(_dir.Path, "sweep.json");
        string png = Path.Combine(_dir.Path, "sweep.png");
        var (code, output, err) = CliHarness.Run("precision-sweep", model, "--inputs", samples, "--calibration", samples, "--rounds", "1", "--json", json, "--chart", png);
        Assert.True(code == 0, err);
        foreach (var mode in new[] { "fp32", "bf16-matmult", "bf16-all", "fp16-matmult", "fp16-all", "int8-dynamic", "int8-static" })
        {
            Assert.Contains(mode, output);
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("mode").GetString()!);
        Assert.Equal(7, rows.Count);
        Assert.Equal(1.0, rows["fp32"].GetProperty("worst_cosine").GetDouble());
        Assert.Equal(1.0, rows["fp32"].GetProperty("speedup").GetDouble());
        foreach (var m in new[] { "bf16-matmult", "fp16-all", "int8-dynamic", "int8-static" })
        {
            double cos = rows[m].GetProperty("worst_cosine").GetDouble();
            Assert.InRange(cos, 0.99, 1.0);
            Assert.True(rows[m].GetProperty("max_abs").GetDouble() > 0, $"{m} gives exactly FP32's outputs");
        }
        // Half-width weights are half the bytes.
        Assert.True(rows["bf16-matmult"].GetProperty("weight_bytes").GetInt64() < 0.6 * rows["fp32"].GetProperty("weight_bytes").GetInt64());
        Assert.True(new FileInfo(png).Length > 1000);
        // Without calibration samples the static mode is skipped, and says why.
        (code, output, _) = CliHarness.Run("precision-sweep", model, "--inputs", samples, "--rounds", "1");
        Assert.Equal(0, code);
        Assert.Contains("skipped: no --calibration samples", output);
        Assert.Equal(2, CliHarness.Run("precision-sweep", model).Code);
    }

    public void Dispose() => _dir.Dispose();
}
