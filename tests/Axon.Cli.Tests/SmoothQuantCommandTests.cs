using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using Axon.IO;
using Axon.Onnx;

namespace Axon.Cli.Tests;

/// <summary>axon quantize --smooth-quant over a LayerNorm → MatMul model with an outlier channel and samples written here.</summary>
public sealed class SmoothQuantCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    private (string Model, string Samples) Setup()
    {
        var b = new GraphBuilder("ln-mlp", 17);
        var x = b.Input("x", DType.Float32, "batch", 64);
        var gamma = Enumerable.Range(0, 64).Select(i => i == 5 ? 30f : 1f).ToArray();
        var h = b.LayerNorm(x, b.Constant("ln_g", Tensor.FromArray(gamma, 64)), b.Zeros("ln_b", [64]));
        h = b.Relu(b.MatMul(h, b.RandomWeight("w1", [64, 96], 3, WeightInit.Xavier)));
        b.Output(b.MatMul(h, b.RandomWeight("w2", [96, 10], 4, WeightInit.Xavier)), "y");
        string model = Path.Combine(_dir.Path, "ln.onnx");
        OnnxModel.Save(b.Build(), model);
        var rng = new Random(5);
        for (int s = 0; s < 3; s++)
        {
            string d = Path.Combine(_dir.Path, "samples", $"s{s}");
            Directory.CreateDirectory(d);
            Npy.Write(Path.Combine(d, "x.npy"), Tensor.FromArray(Enumerable.Range(0, 4 * 64).Select(_ => (float)rng.NextDouble() * 2 - 1).ToArray(), 4, 64));
        }
        return (model, Path.Combine(_dir.Path, "samples"));
    }

    [Fact]
    public void EmittedOnnxCarriesTheSmoothedWeights()
    {
        var (model, samples) = Setup();
        string outPath = Path.Combine(_dir.Path, "ln.int8.axon"), onnxPath = Path.Combine(_dir.Path, "ln.int8.onnx");
        var (code, output, err) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--emit-onnx", onnxPath, "--smooth-quant",
            "--calibration", samples, "--force");
        Assert.True(code == 0, err);
        Assert.Contains("smooth-quant: 1 activation(s) smoothed (1 into LayerNorm γ/β), alpha 0.5", output);
        var written = OnnxModel.Load(onnxPath);
        // γ's outlier channel was divided down in the file ONNX Runtime loads; the model still computes the original function.
        Assert.True(written.Graph.Initializers["ln_g"].ToArray<float>()[5] < 15);
        Assert.Equal(2, written.Graph.Nodes.Count(n => n.OpType == "MatMulInteger"));
        var original = OnnxModel.Load(model);
        var feeds = new Dictionary<string, IValue?> { ["x"] = Npy.Read(Path.Combine(samples, "s0", "x.npy")) };
        var a = ((Tensor)new ReferenceExecutor(original).Run(feeds)[0].Value!).ToDoubles();
        var q = ((Tensor)new ReferenceExecutor(written).Run(feeds)[0].Value!).ToDoubles();
        double dot = a.Zip(q, (u, v) => u * v).Sum(), cos = dot / Math.Sqrt(a.Sum(u => u * u) * q.Sum(v => v * v));
        Assert.InRange(cos, 0.995, 1.0);

        var (auto, autoOut, autoErr) = CliHarness.Run("quantize", model, "-o", outPath, "--dynamic", "--emit-onnx", onnxPath, "--smooth-quant", "auto",
            "--calibration", samples, "--force");
        Assert.True(auto == 0, autoErr);
        Assert.Contains("alpha per activation: ", autoOut);
    }

    [Fact]
    public void BadInvocationsNameTheProblem()
    {
        var (model, samples) = Setup();
        var (code, _, err) = CliHarness.Run("quantize", model, "--dynamic", "--smooth-quant");
        Assert.Equal(2, code);
        Assert.Contains("--smooth-quant needs --calibration", err);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--dynamic", "--smooth-quant", "1.5", "--calibration", samples).Code);
        Assert.Equal(2, CliHarness.Run("quantize", model, "--dynamic", "--smooth-quant", "big", "--calibration", samples).Code);
    }

    public void Dispose() => _dir.Dispose();
}
