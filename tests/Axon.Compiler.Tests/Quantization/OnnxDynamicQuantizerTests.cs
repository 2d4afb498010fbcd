using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Compiler.Tests.Support;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>The standard ONNX form of dynamic quantization (what ONNX Runtime's quantize_dynamic writes), written by Axon.</summary>
public class OnnxDynamicQuantizerTests
{
    /// <summary>x[2,5,48] → MatMul w1 + b → Relu → (MatMul w2, MatMul w3 both reading h) → Add → MatMul w4 (K = 8, too short) → y.</summary>
    private static Model Fp32()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 5, 48));
        g.Outputs.Add(F32("y", 2, 5, 6));
        g.Initializers["w1"] = Random(1, 48, 32);
        g.Initializers["b1"] = Random(2, 32);
        g.Initializers["w2"] = Random(3, 32, 8);
        g.Initializers["w3"] = Random(4, 32, 8);
        g.Initializers["w4"] = Random(5, 8, 6);
        g.Nodes.Add(new Node("MatMul", ["x", "w1"], ["m1"], "mm1"));
        g.Nodes.Add(N("Add", ["m1", "b1"], "a1"));
        g.Nodes.Add(N("Relu", ["a1"], "h"));
        g.Nodes.Add(new Node("MatMul", ["h", "w2"], ["m2"], "mm2"));
        g.Nodes.Add(new Node("MatMul", ["h", "w3"], ["m3"], "mm3"));
        g.Nodes.Add(N("Add", ["m2", "m3"], "s"));
        g.Nodes.Add(new Node("MatMul", ["s", "w4"], ["y"], "mm4"));
        return Model(g, 13);
    }

    [Fact]
    public void WritesOnnxRuntimesFormSharingOneQuantizationPerInput()
    {
        var fp32 = Fp32();
        Assert.Equal(["mm1", "mm2", "mm3"], OnnxDynamicQuantizer.Candidates(fp32));
        var q = OnnxDynamicQuantizer.Quantize(fp32, new OnnxDynamicOptions { PerChannel = true, ReduceRange = true });
        Assert.Equal(3, Count(q, "MatMulInteger"));
        // h is quantized once for both of its readers.
        Assert.Equal(2, Count(q, "DynamicQuantizeLinear"));
        Assert.Equal(1, Count(q, "MatMul"));
        var w2 = q.Graph.Initializers["w2_quantized"];
        Assert.Equal(DType.Int8, w2.DType);
        Assert.InRange(w2.ToInt64s().Max(v => Math.Abs(v)), 60, 64);
        Assert.Equal([8], q.Graph.Initializers["w2_scale"].Shape);
        Assert.False(q.Graph.Initializers.ContainsKey("w1"));
        Assert.True(q.Graph.Initializers.ContainsKey("w4"));
        Assert.True(q.OpsetImports[""] >= 11);
        // The input model is untouched.
        Assert.Equal(4, Count(fp32, "MatMul"));

        // Quantization noise only: the reference executor on both graphs agrees closely.
        var inputs = Inputs(fp32);
        var a = ((Tensor)Run(fp32, inputs)[0].Value!).ToDoubles();
        var b = ((Tensor)Run(q, inputs)[0].Value!).ToDoubles();
        double dot = a.Zip(b, (u, v) => u * v).Sum(), na = Math.Sqrt(a.Sum(u => u * u)), nb = Math.Sqrt(b.Sum(v => v * v));
        Assert.InRange(dot / (na * nb), 0.99, 1.0);
        Assert.False(a.SequenceEqual(b));

        // Axon compiles the written form back onto its INT8 GEMM, with the reference's results.
        var compiled = Pipelines.For(2).Run(q);
        Assert.DoesNotContain(compiled.Graph.Nodes, n => n.OpType is "MatMulInteger" or "DynamicQuantizeLinear");
        Assert.InRange(compiled.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul"), 2, 3);
        SameOutputs(q, compiled, inputs, rtol: 1e-4, atol: 1e-4);
    }

    [Fact]
    public void ExcludedProductsStayFp32ByNodeOrOutputName()
    {
        var fp32 = Fp32();
        var q = OnnxDynamicQuantizer.Quantize(fp32, new OnnxDynamicOptions { Exclude = ["mm1", "m3"], PerChannel = false, ReduceRange = false });
        Assert.Equal(1, Count(q, "MatMulInteger"));
        Assert.Equal(3, Count(q, "MatMul"));
        Assert.True(q.Graph.Initializers.ContainsKey("w1") && q.Graph.Initializers.ContainsKey("w3"));
        Assert.Equal(Array.Empty<int>(), q.Graph.Initializers["w2_scale"].Shape);
        Assert.InRange(q.Graph.Initializers["w2_quantized"].ToInt64s().Max(v => Math.Abs(v)), 120, 127);
        SameOutputs(q, Pipelines.For(2).Run(q), Inputs(fp32), rtol: 1e-4, atol: 1e-4);
    }
}
