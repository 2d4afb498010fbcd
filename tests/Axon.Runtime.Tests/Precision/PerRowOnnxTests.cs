using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Graph.Reference;
using Axon.Kernels.Threading;
using Axon.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using AxonSession = Axon.Runtime.InferenceSession;
using OrtSession = Microsoft.ML.OnnxRuntime.InferenceSession;

namespace Axon.Runtime.Tests.Precision;

/// <summary>Axon's per-row dynamic INT8 written in standard ONNX ops: the same file in ONNX Runtime, the reference executor and Axon's INT8 kernels.</summary>
public sealed class PerRowOnnxTests
{
    /// <summary>x[2,6,40] → MatMul w1 + b1 → Relu → h → MatMul w2 (+ x, residual) → y[2,6,40].</summary>
    private static Model Fp32(long opset)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(DType.Float32, [2, 6, 40])));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Float32, [2, 6, 40])));
        g.Initializers["w1"] = Axon.Testing.Seeded.Uniform(1, 40, 64);
        g.Initializers["b1"] = Axon.Testing.Seeded.Uniform(2, 64);
        g.Initializers["w2"] = Axon.Testing.Seeded.Uniform(3, 64, 40);
        g.Nodes.Add(new Node("MatMul", ["x", "w1"], ["m1"], "mm1"));
        g.Nodes.Add(new Node("Add", ["m1", "b1"], ["a1"], "add1"));
        g.Nodes.Add(new Node("Relu", ["a1"], ["h"], "relu"));
        g.Nodes.Add(new Node("MatMul", ["h", "w2"], ["m2"], "mm2"));
        g.Nodes.Add(new Node("Add", ["m2", "x"], ["y"], "residual"));
        var m = new Model(g);
        m.OpsetImports[""] = opset;
        return m;
    }

    /// <summary>Rows of every kind: all zero, all negative, one outlier, ordinary.</summary>
    private static Tensor Input()
    {
        var rng = new Random(11);
        var x = Enumerable.Range(0, 2 * 6 * 40).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        Array.Clear(x, 40, 40);
        for (int j = 80; j < 120; j++)
        {
            x[j] = -Math.Abs(x[j]) - 0.25f;
        }
        x[130] = 25f;
        return Tensor.FromArray(x, 2, 6, 40);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(18)]
    public void OnnxRuntimeTheReferenceAndAxonsKernelsAgree(long opset)
    {
        var dir = Directory.CreateTempSubdirectory("axon-perrow-");
        string path = Path.Combine(dir.FullName, "perrow.onnx");
        OnnxModel.Save(OnnxDynamicQuantizer.Quantize(Fp32(opset), new OnnxDynamicOptions { PerRow = true }), path);
        var file = OnnxModel.Load(path);
        var input = Input();
        var feeds = new Dictionary<string, Tensor> { ["x"] = input };

        // The file as written, op by op.
        var reference = ((Tensor)new ReferenceExecutor(file).Run(new Dictionary<string, IValue?> { ["x"] = input })[0].Value!).ToArray<float>();
        float peak = reference.Max(MathF.Abs);
        Assert.All(reference, v => Assert.True(float.IsFinite(v)));

        // Axon: fused onto the per-row INT8 kernel, nothing left on the reference path.
        using var pool = new WorkerPool(1);
        var compiled = Pipelines.For(2).Run(file);
        Assert.Equal(2, compiled.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul" && n.GetInt("per_tensor", 0) == 0));
        using var session = new AxonSession(compiled, pool);
        var axon = ((Tensor)session.Run(feeds)[0].Value!).ToArray<float>();
        var plan = session.Plans.First();
        Assert.Equal(0, plan.KernelCounts.Reference);
        Assert.Equal(2, plan.Steps.Count(s => s.KernelName.StartsWith("qgemm.", StringComparison.Ordinal) && !s.KernelName.Contains(".tensor")));

        foreach (var level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            var ort = Ort(path, input, level);
            for (int i = 0; i < reference.Length; i++)
            {
                // Same integers on every path; only the order of the last float products may differ.
                Assert.True(MathF.Abs(ort[i] - reference[i]) <= 1e-5f * peak, $"y[{i}]: ORT ({level}) {ort[i]}, reference {reference[i]}");
                Assert.True(MathF.Abs(axon[i] - reference[i]) <= 1e-5f * peak, $"y[{i}]: Axon {axon[i]}, reference {reference[i]}");
            }
        }

        // A quantized model: near FP32, not equal to it.
        var fp32 = ((Tensor)new ReferenceExecutor(Fp32(opset)).Run(new Dictionary<string, IValue?> { ["x"] = input })[0].Value!).ToArray<float>();
        Assert.Contains(fp32.Zip(axon), p => p.First != p.Second);
        Assert.All(fp32.Zip(axon), p => Assert.True(MathF.Abs(p.First - p.Second) <= 0.02f * peak, $"FP32 {p.First}, INT8 {p.Second}"));
        dir.Delete(recursive: true);
    }

    /// <summary>
    /// Why the file corrects the zero point through column sums: ONNX allows a per-row a_zero_point on MatMulInteger,
    /// but ONNX Runtime (1.31) accepts only a scalar one.
    /// </summary>
    [Fact]
    public void OnnxRuntimeRefusesAPerRowActivationZeroPoint()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("a", TypeInfo.Tensor(DType.UInt8, [3, 4])));
        g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.Int32, [3, 2])));
        g.Initializers["b"] = Tensor.FromArray(new sbyte[] { 1, -2, 3, -4, 5, -6, 7, -8 }, 4, 2);
        g.Initializers["a_zero"] = Tensor.FromArray(new byte[] { 1, 2, 3 }, 3, 1);
        g.Nodes.Add(new Node("MatMulInteger", ["a", "b", "a_zero"], ["y"], "mmi"));
        var m = new Model(g);
        m.OpsetImports[""] = 13;
        var dir = Directory.CreateTempSubdirectory("axon-perrow-zp-");
        string path = Path.Combine(dir.FullName, "zp.onnx");
        OnnxModel.Save(m, path);
        var a = new DenseTensor<byte>(new byte[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120 }, [3, 4]);
        var e = Assert.ThrowsAny<OnnxRuntimeException>(() =>
        {
            using var s = new OrtSession(path, new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL });
            using var r = s.Run([NamedOnnxValue.CreateFromTensor("a", a)]);
        });
        Assert.True(e.Message.Contains("zero point", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("scalar", StringComparison.OrdinalIgnoreCase), e.Message);
        // The reference executor computes ONNX's per-row meaning: row i minus its own zero point.
        var y = ((Tensor)new ReferenceExecutor(m).Run(new Dictionary<string, IValue?> { ["a"] = Tensor.FromArray(a.ToArray(), 3, 4) })[0].Value!).ToInt64s();
        Assert.Equal((10 - 1) * 1 + (20 - 1) * 3 + (30 - 1) * 5 + (40 - 1) * 7, y[0]);
        Assert.Equal((50 - 2) * 1 + (60 - 2) * 3 + (70 - 2) * 5 + (80 - 2) * 7, y[2]);
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
