using System.IO.Compression;
using Axon.Compiler;
using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Runtime.Precision;
using Axon.Testing;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;
using AxonSession = Axon.Runtime.InferenceSession;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace Axon.Runtime.Tests.Precision;

/// <summary>Static INT8 quantization end to end: the Fashion-MNIST accuracy bar, and ONNX Runtime running the QDQ model.</summary>
public sealed class StaticQuantizeTests
{
    private const string FashionDir = "/usr/share/datasets/fashion-mnist";
    private readonly ITestOutputHelper _out;

    public StaticQuantizeTests(ITestOutputHelper output) => _out = output;

    /// <summary>Images (N x 1 x 28 x 28 in [0, 1]) and labels from the gzipped IDX files, in batches.</summary>
    private static (SampleSet Samples, List<int> Labels) Fashion(bool train, int count, int batch)
    {
        string prefix = train ? "train" : "t10k";
        byte[] images = Gunzip(Path.Combine(FashionDir, $"{prefix}-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(Path.Combine(FashionDir, $"{prefix}-labels-idx1-ubyte.gz"));
        var samples = new List<Dictionary<string, Tensor>>();
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            var px = new float[n * 784];
            for (int i = 0; i < px.Length; i++)
            {
                px[i] = images[16 + start * 784 + i] / 255f;
            }
            samples.Add(new Dictionary<string, Tensor> { ["input"] = Tensor.FromArray(px, n, 1, 28, 28) });
        }
        return (SampleSet.FromTensors(samples), labels.Skip(8).Take(count).Select(b => (int)b).ToList());
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>The bar: calibrate on 200 training images, quantize (entropy, per channel), top-1 on 2,000 test images.
    /// (min-max and percentile give the same picture: docs/precision.md.)</summary>
    [Fact]
    public void FashionMnistCnnInt8IsWithinOnePointOfFp32()
    {
        const CalibrationMethod method = CalibrationMethod.Entropy;
        if (!Directory.Exists(FashionDir))
        {
            throw Xunit.Sdk.SkipException.ForSkip($"Fashion-MNIST is not installed at {FashionDir} (apt-get install dataset-fashion-mnist)");
        }
        var model = OnnxModel.Load(Path.Combine(TestPaths.RepoRoot, "models", "fashion_mnist", "1", "model.onnx"));
        var (calibration, _) = Fashion(train: true, count: 200, batch: 50);
        var (test, labels) = Fashion(train: false, count: 2000, batch: 250);
        using var pool = new WorkerPool(1);
        var options = new StaticQuantizeOptions { Method = method, Qdq = new QdqOptions { PerChannel = true } };
        var sq = StaticQuantizer.Quantize(model, calibration, options, pool);
        // conv1 (one input channel, 3x3: K = 9) stays FP32; conv2, fc1 and fc2 are INT8.
        Assert.Equal(3, sq.QuantizedNodes);
        _out.WriteLine(string.Join(", ", sq.Ranges.Select(kv => $"{kv.Key} [{kv.Value.Min:G4}, {kv.Value.Max:G4}]")));
        var fp32 = Pipelines.For(new CompileOptions()).Run(model);
        var int8 = Axon.Compiler.Compiler.ToModel(Axon.Compiler.Compiler.Compile(sq.Model, new CompileOptions()).Model);
        using var a = new AxonSession(fp32, pool);
        using var b = new AxonSession(int8, pool);
        int hitA = 0, hitB = 0, agree = 0, row = 0;
        foreach (var s in test.Samples)
        {
            var la = ((Tensor)a.Run(s)[0].Value!).ToArray<float>();
            var lb = ((Tensor)b.Run(s)[0].Value!).ToArray<float>();
            for (int r = 0; r * 10 < la.Length; r++, row++)
            {
                int pa = ArgMax(la.AsSpan(r * 10, 10)), pb = ArgMax(lb.AsSpan(r * 10, 10));
                hitA += pa == labels[row] ? 1 : 0;
                hitB += pb == labels[row] ? 1 : 0;
                agree += pa == pb ? 1 : 0;
            }
        }
        Assert.Equal(2000, row);
        double accA = hitA / 2000.0, accB = hitB / 2000.0;
        _out.WriteLine($"{method}: FP32 top-1 {accA:P2}, INT8 {accB:P2}, agreement {agree / 2000.0:P2}");
        Assert.True(accA > 0.85, $"the FP32 model is not the trained one (accuracy {accA:P2})");
        Assert.True(Math.Abs(accA - accB) <= 0.01, $"INT8 {accB:P2} vs FP32 {accA:P2}");
        Assert.True(agree < 2000, "INT8 agrees with FP32 on every image: was anything quantized?");
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int j = 1; j < v.Length; j++)
        {
            best = v[j] > v[best] ? j : best;
        }
        return best;
    }

    /// <summary>A seeded CNN with every static-quantization feature: Conv, MaxPool, Gemm, biases, ReLU.</summary>
    private static Model Cnn()
    {
        var b = new GraphBuilder("cnn", opset: 17);
        var x = b.Input("x", DType.Float32, 2, 3, 12, 12);
        var c = b.MaxPool(b.Relu(b.Conv(x, b.RandomWeight("w1", [8, 3, 3, 3], 1), b.RandomWeight("b1", [8], 2), pads: [1, 1, 1, 1])), [2, 2], [2, 2]);
        var h = b.Relu(b.Gemm(b.Flatten(c), b.RandomWeight("w2", [8 * 6 * 6, 16], 3), b.RandomWeight("b2", [16], 4)));
        b.Output(b.Gemm(h, b.RandomWeight("w3", [10, 16], 5), b.RandomWeight("b3", [10], 6), transB: true), "y");
        return b.Build();
    }

    private static Tensor Image(int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromArray(Enumerable.Range(0, 2 * 3 * 12 * 12).Select(_ => (float)rng.NextDouble()).ToArray(), 2, 3, 12, 12);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void OnnxRuntimeRunsTheQdqModelLikeAxon(bool perChannel, bool symmetric)
    {
        var dir = Directory.CreateTempSubdirectory("axon-qdq-");
        var calibration = SampleSet.FromTensors(Enumerable.Range(0, 4).Select(i => new Dictionary<string, Tensor> { ["x"] = Image(i) }).ToList());
        using var pool = new WorkerPool(1);
        var options = new StaticQuantizeOptions
        {
            Method = CalibrationMethod.Percentile,
            Qdq = new QdqOptions { PerChannel = perChannel, SymmetricActivations = symmetric },
        };
        var sq = StaticQuantizer.Quantize(Cnn(), calibration, options, pool);
        Assert.Equal(3, sq.QuantizedNodes);
        string path = Path.Combine(dir.FullName, "cnn.qdq.onnx");
        OnnxModel.Save(sq.Model, path);

        var input = Image(99);
        var axon = Axon.Compiler.Compiler.ToModel(Axon.Compiler.Compiler.Compile(OnnxModel.Load(path), new CompileOptions()).Model);
        using var session = new AxonSession(axon, pool);
        var mine = ((Tensor)session.Run(new Dictionary<string, Tensor> { ["x"] = input })[0].Value!).ToArray<float>();
        var fp32 = ((Tensor)new AxonSession(Pipelines.For(new CompileOptions()).Run(Cnn()), pool)
            .Run(new Dictionary<string, Tensor> { ["x"] = input })[0].Value!).ToArray<float>();
        float peak = fp32.Max(MathF.Abs);

        // ORT as written (QuantizeLinear/DequantizeLinear evaluated as such) computes what Axon computes.
        var literal = Ort(path, input, GraphOptimizationLevel.ORT_DISABLE_ALL);
        for (int i = 0; i < mine.Length; i++)
        {
            Assert.True(MathF.Abs(mine[i] - literal[i]) <= 1e-3f * peak, $"y[{i}]: Axon {mine[i]}, ORT {literal[i]}");
        }
        // ORT with its QDQ fusions (integer kernels, its own requantization rounding) stays within a few steps.
        var fused = Ort(path, input, GraphOptimizationLevel.ORT_ENABLE_ALL);
        for (int i = 0; i < mine.Length; i++)
        {
            Assert.True(MathF.Abs(mine[i] - fused[i]) <= 0.03f * peak, $"y[{i}]: Axon {mine[i]}, ORT fused {fused[i]}");
        }
        // And both are a quantized model: close to FP32 (eight calibration images of an untrained net), not equal to it.
        Assert.Contains(mine.Zip(fp32), p => p.First != p.Second);
        var (cos, _, _) = ModelComparer.Measure(fp32.Select(v => (double)v).ToArray(), mine.Select(v => (double)v).ToArray());
        Assert.True(cos > 0.99, $"cosine {cos} against FP32");
        dir.Delete(recursive: true);
    }

    private static float[] Ort(string path, Tensor input, GraphOptimizationLevel level)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var s = new OrtSession(path, options);
        var x = new DenseTensor<float>(input.ToArray<float>(), input.Shape);
        using var r = s.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
        return r.First().AsEnumerable<float>().ToArray();
    }
}
