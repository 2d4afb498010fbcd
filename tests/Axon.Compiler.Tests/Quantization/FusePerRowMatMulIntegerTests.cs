using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Compiler.Tests.Support;
using Axon.Testing;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>Axon's per-row dynamic quantization written in standard ONNX ops (OnnxDynamicOptions.PerRow) and fused back.</summary>
public class FusePerRowMatMulIntegerTests
{
    private static readonly OnnxDynamicOptions PerRow = new() { PerRow = true };

    /// <summary>x[2,5,48] → MatMul w1 + b1 → Relu → h; MatMul w2 (h) + x2 residual; MatMul w3 (h) → y2; MatMul w4 (K 8, stays FP32) → y.</summary>
    private static Model Fp32(long opset)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 5, 48));
        g.Inputs.Add(F32("r", 2, 5, 8));
        g.Outputs.Add(F32("y", 2, 5, 6));
        g.Outputs.Add(F32("y2", 2, 5, 8));
        g.Initializers["w1"] = Random(1, 48, 32);
        g.Initializers["b1"] = Random(2, 32);
        g.Initializers["w2"] = Random(3, 32, 8);
        g.Initializers["w3"] = Random(4, 32, 8);
        g.Initializers["w4"] = Random(5, 8, 6);
        g.Nodes.Add(new Node("MatMul", ["x", "w1"], ["m1"], "mm1"));
        g.Nodes.Add(N("Add", ["m1", "b1"], "a1"));
        g.Nodes.Add(N("Relu", ["a1"], "h"));
        g.Nodes.Add(new Node("MatMul", ["h", "w2"], ["m2"], "mm2"));
        g.Nodes.Add(N("Add", ["r", "m2"], "s"));
        g.Nodes.Add(new Node("MatMul", ["h", "w3"], ["y2"], "mm3"));
        g.Nodes.Add(new Node("MatMul", ["s", "w4"], ["y"], "mm4"));
        return Model(g, opset);
    }

    /// <summary>Inputs with an all-zero row, an all-negative row and a row of one large value among small ones.</summary>
    private static Dictionary<string, IValue?> Inputs(Model m)
    {
        var inputs = PassKit.Inputs(m);
        var x = ((Tensor)inputs["x"]!).ToArray<float>();
        Array.Clear(x, 0, 48);
        for (int j = 48; j < 96; j++)
        {
            x[j] = -Math.Abs(x[j]) - 0.1f;
        }
        x[150] = 40f;
        inputs["x"] = Tensor.FromArray(x, 2, 5, 48);
        return inputs;
    }

    private static Model Fuse(Model m) => new PassManager([new InferShapes(), .. QuantizedModelPasses.Steps(2)]) { Verify = true }.Run(m);

    [Theory]
    [InlineData(13)]
    [InlineData(18)]
    public void WritesTheRowQuantizationOncePerInputAndFusesItBack(long opset)
    {
        var fp32 = Fp32(opset);
        var q = OnnxDynamicQuantizer.Quantize(fp32, PerRow);
        // x and h each quantized once (h for both of its readers); MatMulInteger without activation zero point.
        Assert.Equal(2, Count(q, "ReduceMin"));
        Assert.Equal(2, Count(q, "ReduceMax"));
        Assert.Equal(0, Count(q, "DynamicQuantizeLinear"));
        Assert.All(q.Graph.Nodes.Where(n => n.OpType == "MatMulInteger"), n => Assert.Equal(2, n.Inputs.Count));
        Assert.Equal(3, Count(q, "MatMulInteger"));
        Assert.Equal(1, Count(q, "MatMul"));
        Assert.Equal(opset, q.OpsetImports[""]);
        var reduce = q.Graph.Nodes.First(n => n.OpType == "ReduceMin");
        Assert.Equal(opset >= 18 ? 2 : 1, reduce.Inputs.Count);
        var w2 = q.Graph.Initializers["w2_quantized"].ToInt64s();
        Assert.Equal(63, w2.Max(v => Math.Abs(v)));
        var colsum = q.Graph.Initializers["w2_column_sum"].ToInt64s();
        Assert.Equal(Enumerable.Range(0, 8).Select(j => Enumerable.Range(0, 32).Sum(p => w2[p * 8 + j])), colsum);
        Axon.Onnx.Validation.ModelValidator.Validate(q);

        // Quantization noise only against FP32, on the unfused standard ops (the reference executor).
        var inputs = Inputs(fp32);
        var a = Run(fp32, inputs);
        var b = Run(q, inputs);
        for (int o = 0; o < 2; o++)
        {
            double[] u = ((Tensor)a[o].Value!).ToDoubles(), v = ((Tensor)b[o].Value!).ToDoubles();
            Assert.All(v, d => Assert.True(double.IsFinite(d)));
            Assert.InRange(DynamicQuantizeTests.Cosine(u, v), 0.995, 1.0);
            Assert.False(u.SequenceEqual(v));
        }

        // Fused: one per-row axon:DynamicQuantMatMul per product, the residual absorbed, the same numbers.
        var fused = Fuse(q);
        Assert.Equal(0, Count(fused, "MatMulInteger") + Count(fused, "ReduceMin") + Count(fused, "Round") + Count(fused, "Where"));
        var dq = fused.Graph.Nodes.Where(n => n.OpType == "DynamicQuantMatMul").ToList();
        Assert.Equal(3, dq.Count);
        Assert.All(dq, n => Assert.Equal(0, n.GetInt("per_tensor", 0)));
        Assert.Contains(dq, n => n.Inputs.Count > 4 && n.Inputs[4] == "r");
        Assert.Equal("Relu", dq.Single(n => n.Inputs[0] == "x").GetString("activation", ""));
        SameOutputs(q, fused, inputs, rtol: 2e-5, atol: 2e-5);
    }

    [Fact]
    public void EqualsAxonsOwnPerRowQuantization()
    {
        var fp32 = Fp32(17);
        var native = Pipelines.For(new CompileOptions { OptLevel = 2, Quantize = QuantizeMode.Dynamic }).Run(fp32);
        var file = Pipelines.For(2).Run(OnnxDynamicQuantizer.Quantize(fp32, PerRow));
        Assert.Equal(3, Count(native, "axon:DynamicQuantMatMul"));
        Assert.Equal(3, Count(file, "axon:DynamicQuantMatMul"));
        // Same weights, same row quantization, same integer products: only the order of float operations may differ.
        SameOutputs(native, file, Inputs(fp32), rtol: 2e-5, atol: 2e-5);
    }

    [Fact]
    public void CommutativeOperandsMatchInEitherOrder()
    {
        var q = OnnxDynamicQuantizer.Quantize(Fp32(13), PerRow);
        foreach (var n in q.Graph.Nodes.Where(n => n.OpType is "Mul" or "Add" or "Min" or "Max"))
        {
            (n.Inputs[0], n.Inputs[1]) = (n.Inputs[1], n.Inputs[0]);
        }
        var fused = Fuse(q);
        Assert.Equal(3, Count(fused, "axon:DynamicQuantMatMul"));
        Assert.Equal(0, Count(fused, "MatMulInteger"));
        SameOutputs(q, fused, Inputs(q), rtol: 2e-5, atol: 2e-5);
    }

    [Fact]
    public void AWrongColumnSumLeavesThatProductUnfused()
    {
        var q = OnnxDynamicQuantizer.Quantize(Fp32(13), PerRow);
        var cs = q.Graph.Initializers["w2_column_sum"].ToArray<int>();
        cs[3] += 1;
        q.Graph.Initializers["w2_column_sum"] = Tensor.FromArray(cs, cs.Length);
        var fused = Fuse(q);
        Assert.Equal(2, Count(fused, "axon:DynamicQuantMatMul"));
        Assert.Equal(1, Count(fused, "MatMulInteger"));
        // h's row quantization stays for the unfused product and still computes what the file says.
        Assert.Equal(1, Count(fused, "ReduceMin"));
        SameOutputs(q, fused, Inputs(q), rtol: 2e-5, atol: 2e-5);
    }

    [Theory]
    [InlineData("_row_scale_raw", 1, 254f)]
    [InlineData("_row_lo", 1, -1e-3f)]
    [InlineData("_row_scale", 2, 0.5f)]
    public void ADifferentRowConstantLeavesTheInputsProductsUnfused(string node, int input, float value)
    {
        var q = OnnxDynamicQuantizer.Quantize(Fp32(13), PerRow);
        q.Graph.Initializers["other_constant"] = Scalar(value);
        q.Graph.Nodes.Single(n => n.Outputs[0] == "h" + node).Inputs[input] = "other_constant";
        var fused = Fuse(q);
        // x's product still fuses; h's two do not.
        Assert.Equal(1, Count(fused, "axon:DynamicQuantMatMul"));
        Assert.Equal(2, Count(fused, "MatMulInteger"));
        SameOutputs(q, fused, Inputs(q), rtol: 2e-5, atol: 2e-5);
    }

    [Fact]
    public void MiniLMRunsOn24Int8ProductsAndFusedAttention()
    {
        var fp32 = MiniLM.Load();
        Assert.NotNull(fp32);
        var model = OnnxDynamicQuantizer.Quantize(fp32!, PerRow);
        // One row quantization per distinct input: 6 layers × (LayerNorm output for Q/K/V, attention output, LayerNorm output, GELU output).
        Assert.Equal(6 * 4, Count(model, "ReduceMin"));
        Assert.Equal(6 * 6, Count(model, "MatMulInteger"));
        var fused = Pipelines.For(2).Run(model);
        Assert.Equal(0, Count(fused, "MatMulInteger") + Count(fused, "ReduceMin"));
        Assert.Equal(6 * 4, Count(fused, "axon:DynamicQuantMatMul"));
        Assert.Equal(6, Count(fused, "axon:AttentionCore"));
        const int seq = 12;
        var rng = new Random(5);
        var inputs = new Dictionary<string, IValue?>
        {
            ["input_ids"] = Tensor.FromArray(Enumerable.Range(0, seq).Select(i => i == 0 ? 101L : rng.Next(1000, 30000)).ToArray(), 1, seq),
            ["attention_mask"] = Tensor.FromArray(Enumerable.Range(0, seq).Select(i => i < 10 ? 1L : 0L).ToArray(), 1, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[seq], 1, seq),
        };
        // The fusion alone (no FP32 fusions, so no attention to merge Q|K|V into) computes exactly what the standard ops compute.
        var quantOnly = new PassManager([new InferShapes(), .. QuantizedModelPasses.Steps(2)]).Run(model);
        Assert.Equal(6 * 6, Count(quantOnly, "axon:DynamicQuantMatMul"));
        double[] a = ((Tensor)Run(model, inputs)[0].Value!).ToDoubles(), b = ((Tensor)Run(quantOnly, inputs)[0].Value!).ToDoubles();
        Assert.True(DynamicQuantizeTests.Cosine(a, b) > 0.999999, $"cosine {DynamicQuantizeTests.Cosine(a, b)}");
        // With the FP32 fusions too, the FP32 values differ in the last bits (LayerNorm, GELU, attention in another
        // order), and rounding to 8 bits turns the odd last-bit difference into a whole step that later layers carry:
        // the two agree like two equally good quantizations, both within quantization noise of FP32.
        var f = ((Tensor)Run(fp32!, inputs)[0].Value!).ToDoubles();
        var c = ((Tensor)Run(fused, inputs)[0].Value!).ToDoubles();
        Assert.InRange(DynamicQuantizeTests.Cosine(a, c), 0.995, 1.0);
        Assert.InRange(DynamicQuantizeTests.Cosine(f, a), 0.99, 0.99999);
        Assert.InRange(DynamicQuantizeTests.Cosine(f, c), 0.99, 0.99999);
    }
}
