using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>The QDQ insertion pass: the ONNX-standard structure it builds, what --exclude keeps, and the numbers it gives.</summary>
public class InsertQdqTests
{
    /// <summary>x[2,3,8,8] → Conv(4x3x3x3, bias, pad 1) → Relu → MaxPool 2x2 → Flatten → Gemm(64x5, bias) → y[2,5].</summary>
    private static Model Cnn()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3, 8, 8));
        g.Outputs.Add(F32("y", 2, 5));
        g.Initializers["w1"] = Random(1, 4, 3, 3, 3);
        g.Initializers["b1"] = Random(2, 4);
        g.Initializers["w2"] = Random(3, 64, 5);
        g.Initializers["b2"] = Random(4, 5);
        var conv = N("Conv", ["x", "w1", "b1"], "c", Attr.Of("pads", new long[] { 1, 1, 1, 1 }));
        conv.Name = "conv";
        g.Nodes.Add(conv);
        g.Nodes.Add(N("Relu", ["c"], "r"));
        g.Nodes.Add(N("MaxPool", ["r"], "p", Attr.Of("kernel_shape", new long[] { 2, 2 }), Attr.Of("strides", new long[] { 2, 2 })));
        g.Nodes.Add(N("Flatten", ["p"], "f"));
        var gemm = N("Gemm", ["f", "w2", "b2"], "y");
        gemm.Name = "classifier";
        g.Nodes.Add(gemm);
        return Apply(new InferShapes(), Model(g, 21));
    }

    /// <summary>Min-max ranges measured with the reference executor (the tensors as extra outputs).</summary>
    private static Dictionary<string, TensorRange> Ranges(Model m, IEnumerable<string> tensors, IReadOnlyDictionary<string, IValue?> inputs)
    {
        var g = m.Graph.Clone();
        foreach (var t in tensors.Where(t => g.Outputs.All(o => o.Name != t)))
        {
            g.Outputs.Add(new ValueInfo(t, TypeInfo.Unknown));
        }
        var probe = Model(g, 21);
        var r = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        foreach (var kv in Run(probe, inputs).Where(kv => tensors.Contains(kv.Key)))
        {
            var d = ((Tensor)kv.Value!).ToArray<float>();
            r[kv.Key] = new TensorRange(d.Min(), d.Max());
        }
        return r;
    }

    private static (Model Q, Dictionary<string, IValue?> Inputs) Quantize(QdqOptions o, Model? model = null)
    {
        var m = model ?? Cnn();
        var inputs = Inputs(m, seed: 11);
        var ranges = Ranges(m, InsertQdq.TensorsToCalibrate(m.Graph, o), inputs);
        return (Apply(new InsertQdq(ranges, o), m), inputs);
    }

    [Fact]
    public void CalibratesTheInputsAndTheOutputPathBetweenQuantizedNodes()
    {
        // The Conv's output is taken after its Relu; MaxPool and Flatten outputs share the Relu output's parameters.
        Assert.Equal(["x", "r"], InsertQdq.TensorsToCalibrate(Cnn().Graph, new QdqOptions()));
    }

    [Fact]
    public void BuildsTheOnnxQdqPattern()
    {
        var (q, _) = Quantize(new QdqOptions { PerChannel = true });
        var g = q.Graph;
        // Activations x, r, p, f: one Q/DQ pair each; weights and biases of both nodes: one DQ each.
        Assert.Equal(4, Count(q, "QuantizeLinear"));
        Assert.Equal(8, Count(q, "DequantizeLinear"));
        var conv = g.Nodes.Single(n => n.OpType == "Conv");
        var wdq = g.Nodes.Single(n => n.Outputs[0] == conv.Inputs[1]);
        Assert.Equal("DequantizeLinear", wdq.OpType);
        Assert.Equal(0, wdq.GetInt("axis", -1));
        Assert.Equal(DType.Int8, g.Initializers[wdq.Inputs[0]].DType);
        Assert.Equal([4], g.Initializers[wdq.Inputs[1]].Shape);
        Assert.All(g.Initializers[wdq.Inputs[0]].ToArray<sbyte>(), v => Assert.InRange(v, -63, 63));
        var bdq = g.Nodes.Single(n => n.Outputs[0] == conv.Inputs[2]);
        Assert.Equal(DType.Int32, g.Initializers[bdq.Inputs[0]].DType);
        // The Conv reads x's dequantized copy, which comes from a uint8 Q of x.
        var xdq = g.Nodes.Single(n => n.Outputs[0] == conv.Inputs[0]);
        var xq = g.Nodes.Single(n => n.Outputs[0] == xdq.Inputs[0]);
        Assert.Equal(("QuantizeLinear", "x"), (xq.OpType, xq.Inputs[0]));
        Assert.Equal(DType.UInt8, g.Initializers[xq.Inputs[2]].DType);
        // Gemm (transB 0) weights are per column: axis 1, five scales.
        var gemm = g.Nodes.Single(n => n.OpType == "Gemm");
        var gdq = g.Nodes.Single(n => n.Outputs[0] == gemm.Inputs[1]);
        Assert.Equal(1, gdq.GetInt("axis", -1));
        Assert.Equal([5], g.Initializers[gdq.Inputs[1]].Shape);
        // MaxPool's input and output, and Flatten's output, use the same scale (r's).
        var qs = g.Nodes.Where(n => n.OpType == "QuantizeLinear").ToDictionary(n => n.Inputs[0], n => n.Inputs[1]);
        Assert.Equal(qs["r"], qs["p"]);
        Assert.Equal(qs["r"], qs["f"]);
        Assert.NotEqual(qs["x"], qs["r"]);
        // The model's output stays FP32 (no Q after the Gemm).
        Assert.Equal("y", gemm.Outputs[0]);
    }

    [Fact]
    public void QuantizedModelStaysCloseToFp32()
    {
        foreach (var o in new[] { new QdqOptions(), new QdqOptions { PerChannel = true, SymmetricActivations = true, WeightQMax = 127 } })
        {
            var fp32 = Cnn();
            var (q, inputs) = Quantize(o, fp32);
            var a = ((Tensor)Run(fp32, inputs)[0].Value!).ToDoubles();
            var b = ((Tensor)Run(q, inputs)[0].Value!).ToDoubles();
            double cos = DynamicQuantizeTests.Cosine(a, b);
            Assert.True(cos > 0.999, $"cosine {cos} with {o}");
            double peak = a.Max(Math.Abs);
            Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05 * peak, $"{p.First} vs {p.Second}"));
            // Not a copy of FP32: the 8-bit rounding must show.
            Assert.Contains(a.Zip(b), p => p.First != p.Second);
        }
    }

    [Fact]
    public void SymmetricActivationsAreInt8WithZeroPointZero()
    {
        var (q, _) = Quantize(new QdqOptions { SymmetricActivations = true });
        foreach (var n in q.Graph.Nodes.Where(n => n.OpType == "QuantizeLinear"))
        {
            var zp = q.Graph.Initializers[n.Inputs[2]];
            Assert.Equal(DType.Int8, zp.DType);
            Assert.Equal(0, zp.ToArray<sbyte>()[0]);
        }
    }

    [Fact]
    public void ExcludedNodesKeepFp32WeightsAndInputs()
    {
        var (q, _) = Quantize(new QdqOptions { Exclude = ["classifier"] });
        var gemm = q.Graph.Nodes.Single(n => n.OpType == "Gemm");
        Assert.Equal(["f", "w2", "b2"], gemm.Inputs);
        // Only the Conv's input is quantized now: its output path no longer reaches a quantized node.
        Assert.Equal(1, Count(q, "QuantizeLinear"));
        Assert.Equal(3, Count(q, "DequantizeLinear"));
        // An output name works as well as a node name.
        var (q2, _) = Quantize(new QdqOptions { Exclude = ["c"] });
        Assert.Equal(["x", "w1", "b1"], q2.Graph.Nodes.Single(n => n.OpType == "Conv").Inputs);
    }

    [Fact]
    public void OtherReadersOfAQuantizedActivationKeepTheFp32Value()
    {
        // y = x + MatMul(x, W): the MatMul reads x's dequantized copy, the residual Add the original.
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 4, 16));
        g.Outputs.Add(F32("y", 4, 16));
        g.Initializers["w"] = Random(5, 16, 16);
        g.Nodes.Add(N("MatMul", ["x", "w"], "h"));
        g.Nodes.Add(N("Add", ["x", "h"], "y"));
        var (q, inputs) = Quantize(new QdqOptions(), Apply(new InferShapes(), Model(g, 21)));
        var mm = q.Graph.Nodes.Single(n => n.OpType == "MatMul");
        Assert.NotEqual("x", mm.Inputs[0]);
        Assert.Equal(["x", "h"], q.Graph.Nodes.Single(n => n.OpType == "Add").Inputs);
        Assert.True(DynamicQuantizeTests.Cosine(((Tensor)Run(Model(g, 21), inputs)[0].Value!).ToDoubles(), ((Tensor)Run(q, inputs)[0].Value!).ToDoubles()) > 0.999);
    }

    [Fact]
    public void ShortReductionsAndOptionallyActivationProductsStayFp32()
    {
        // a[4,16]·b[16,8] (two activations, K 16) and x[4,8]·w[8,8] (K 8 < MinK).
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("a", 4, 16));
        g.Inputs.Add(F32("b", 16, 8));
        g.Outputs.Add(F32("y", 4, 8));
        g.Initializers["w"] = Random(6, 8, 8);
        g.Nodes.Add(N("MatMul", ["a", "b"], "x"));
        g.Nodes.Add(N("MatMul", ["x", "w"], "y"));
        var m = Apply(new InferShapes(), Model(g, 21));
        Assert.Equal(["a", "b"], InsertQdq.TensorsToCalibrate(m.Graph, new QdqOptions()));
        Assert.Empty(InsertQdq.TensorsToCalibrate(m.Graph, new QdqOptions { ActivationProducts = false }));
        Assert.Equal(["a", "b", "x"], InsertQdq.TensorsToCalibrate(m.Graph, new QdqOptions { MinK = 8 }));
    }

    [Fact]
    public void ANodeWithoutCalibratedInputsStaysFp32()
    {
        var m = Cnn();
        var q = Apply(new InsertQdq(new Dictionary<string, TensorRange> { ["r"] = new(0, 4) }, new QdqOptions()), m);
        Assert.Equal(["x", "w1", "b1"], q.Graph.Nodes.Single(n => n.OpType == "Conv").Inputs);
        Assert.NotEqual("w2", q.Graph.Nodes.Single(n => n.OpType == "Gemm").Inputs[1]);
        Assert.Equal(0, Count(Apply(new InsertQdq(new Dictionary<string, TensorRange>(), new QdqOptions()), m), "QuantizeLinear"));
    }
}
