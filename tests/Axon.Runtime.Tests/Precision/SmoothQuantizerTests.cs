using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Axon.Runtime.Precision;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace Axon.Runtime.Tests.Precision;

/// <summary>SmoothQuant calibration on the fast kernels, and the smoothed ONNX form run by ONNX Runtime as the golden engine.</summary>
public class SmoothQuantizerTests
{
    /// <summary>x[16, 64] → LayerNormalization (γ with two outlier channels) → MatMul [64, 48] → y.</summary>
    private static Model LnMatMul()
    {
        var b = new GraphBuilder("ln-mm", 17);
        var x = b.Input("x", DType.Float32, 16, 64);
        var gamma = Enumerable.Range(0, 64).Select(i => i is 3 or 40 ? 40f : 0.5f + 0.01f * i).ToArray();
        var h = b.LayerNorm(x, b.Constant("g", Tensor.FromArray(gamma, 64)), b.RandomWeight("beta", [64], 2, WeightInit.Xavier));
        b.Output(b.MatMul(h, b.RandomWeight("w", [64, 48], 3, WeightInit.Xavier)), "y");
        return b.Build();
    }

    private static SampleSet Samples(int seed, int count)
    {
        var rng = new Random(seed);
        return SampleSet.FromTensors(Enumerable.Range(0, count).Select(_ => new Dictionary<string, Tensor>
        {
            ["x"] = Tensor.FromArray(Enumerable.Range(0, 16 * 64).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray(), 16, 64),
        }).ToList());
    }

    [Fact]
    public void ChannelMaximaMatchTheReferenceExecutor()
    {
        var m = LnMatMul();
        var samples = Samples(1, 3);
        using var pool = new WorkerPool(1);
        var target = Assert.Single(SmoothQuant.Activations(m.Graph, new SmoothQuantOptions()));
        var max = SmoothQuantizer.ChannelMax(m, new Dictionary<string, int> { [target.Activation] = 64 }, samples, pool)[target.Activation];
        var g = m.Graph.Clone();
        g.Outputs.Add(new ValueInfo(target.Activation, TypeInfo.Unknown));
        var probe = new Model(g);
        probe.OpsetImports[""] = 17;
        var expected = new double[64];
        foreach (var s in samples.Samples)
        {
            var v = ((Tensor)new ReferenceExecutor(probe).Run(s.ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value)).Single(kv => kv.Key == target.Activation).Value!).ToDoubles();
            for (int i = 0; i < v.Length; i++)
            {
                expected[i % 64] = Math.Max(expected[i % 64], Math.Abs(v[i]));
            }
        }
        for (int j = 0; j < 64; j++)
        {
            Assert.Equal(expected[j], max[j], 1e-4);
        }
        Assert.True(max[3] > 10 * max[10]);
        Assert.Equal("AXQ072", Assert.Throws<AxonInputException>(() => SmoothQuantizer.ChannelMax(m, new Dictionary<string, int>(), SampleSet.FromTensors([]), pool)).Code);
    }

    [Fact]
    public void OnnxRuntimeRunsTheSmoothedFileCloserToFp32()
    {
        var m = LnMatMul();
        using var pool = new WorkerPool(1);
        var smoothed = SmoothQuantizer.Smooth(m, Samples(1, 3), new SmoothQuantOptions { Alpha = 0.5 }, pool);
        Assert.Equal(SmoothKind.LayerNormAffine, Assert.Single(smoothed.Targets).Kind);
        var q = new OnnxDynamicOptions { PerChannel = true, ReduceRange = true };
        string dir = Directory.CreateTempSubdirectory("axon-smooth-").FullName;
        try
        {
            string fp32 = Path.Combine(dir, "fp32.onnx"), sm = Path.Combine(dir, "smoothed.onnx"), plain = Path.Combine(dir, "plain.int8.onnx"), smq = Path.Combine(dir, "smoothed.int8.onnx");
            OnnxModel.Save(m, fp32);
            OnnxModel.Save(smoothed.Model, sm);
            OnnxModel.Save(OnnxDynamicQuantizer.Quantize(m, q), plain);
            OnnxModel.Save(OnnxDynamicQuantizer.Quantize(smoothed.Model, q), smq);
            double errPlain = 0, errSmooth = 0;
            foreach (var s in Samples(99, 3).Samples)
            {
                var f = Ort(fp32, s["x"]);
                // The smoothed FP32 file computes the same function in ONNX Runtime.
                var fs = Ort(sm, s["x"]);
                Assert.All(f.Zip(fs), p => Assert.Equal(p.First, p.Second, 1e-3 * (1 + Math.Abs(p.First))));
                errPlain += Err(f, Ort(plain, s["x"]));
                errSmooth += Err(f, Ort(smq, s["x"]));
            }
            Assert.True(errSmooth < 0.7 * errPlain, $"smoothed {errSmooth:E3} vs plain {errPlain:E3}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Err(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum() / a.Sum(x => (double)x * x));

    private static float[] Ort(string path, Tensor input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var s = new OrtSession(path, options);
        using var r = s.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(input.ToArray<float>(), input.Shape))]);
        return r.First().AsEnumerable<float>().ToArray();
    }
}
