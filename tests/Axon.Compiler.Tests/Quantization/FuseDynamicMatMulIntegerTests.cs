using Axon.Compiler.Passes;
using Axon.Compiler.Planning;
using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Compiler.Tests.Support;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>ONNX Runtime's dynamic-quantization form (DynamicQuantizeLinear + MatMulInteger + Cast + scale Mul) fused onto the INT8 kernel.</summary>
public class FuseDynamicMatMulIntegerTests
{
    /// <summary>
    /// x[2,5,K] → DQL → MatMulInteger(W[K,N], zp) → Cast → Mul(·, x_s·w_s) → Add bias → (Relu | Add residual) → y,
    /// weights full-range int8 (or uint8 with a zero point) as ORT writes them.
    /// </summary>
    private static Model OrtForm(int k, int n, bool unsignedWeights, bool perColumn, string tail)
    {
        var rng = new Random(k * 31 + n);
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 5, k));
        if (tail == "residual")
        {
            g.Inputs.Add(F32("r", 2, 5, n));
        }
        g.Outputs.Add(F32("y", 2, 5, n));
        g.Initializers["w"] = unsignedWeights
            ? Tensor.FromArray(Enumerable.Range(0, k * n).Select(_ => (byte)rng.Next(256)).ToArray(), k, n)
            : Tensor.FromArray(Enumerable.Range(0, k * n).Select(i => (sbyte)(i % 7 == 0 ? (i % 2 == 0 ? -128 : 127) : rng.Next(-127, 128))).ToArray(), k, n);
        g.Initializers["wz"] = unsignedWeights ? Tensor.FromArray(new byte[] { 131 }, 1) : Tensor.FromArray(new sbyte[] { 0 }, 1);
        g.Initializers["ws"] = perColumn ? Tensor.FromArray(Enumerable.Range(0, n).Select(j => 0.002f + 0.0001f * j).ToArray(), n) : Scalar(0.003f);
        g.Initializers["b"] = Random(7, n);
        g.Nodes.Add(N("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]));
        g.Nodes.Add(N("MatMulInteger", ["xq", "w", "xz", "wz"], "yi"));
        g.Nodes.Add(N("Cast", ["yi"], "yf", Attr.Of("to", (long)DType.Float32)));
        g.Nodes.Add(N("Mul", ["xs", "ws"], "s"));
        g.Nodes.Add(N("Mul", ["yf", "s"], "ym"));
        switch (tail)
        {
            case "relu":
                g.Nodes.Add(N("Add", ["b", "ym"], "yb"));
                g.Nodes.Add(N("Relu", ["yb"], "y"));
                break;
            case "residual":
                g.Nodes.Add(N("Add", ["ym", "b"], "yb"));
                g.Nodes.Add(N("Add", ["yb", "r"], "y"));
                break;
            default:
                g.Nodes.Add(N("Add", ["ym", "b"], "y"));
                break;
        }
        return Model(g, 17);
    }

    [Theory]
    [InlineData(40, 24, false, true, "relu")]
    [InlineData(129, 17, true, false, "residual")]
    [InlineData(3, 1, false, false, "bias")]
    public void FusesIntoOneInt8ProductWithTheSameOutputs(int k, int n, bool unsignedWeights, bool perColumn, string tail)
    {
        var model = OrtForm(k, n, unsignedWeights, perColumn, tail);
        var fused = new PassManager([new InferShapes(), .. QuantizedModelPasses.Steps(2)]) { Verify = true }.Run(model);
        Assert.Equal(["axon:DynamicQuantMatMul"], Ops(fused));
        var node = fused.Graph.Nodes[0];
        Assert.Equal(1, node.GetInt("per_tensor", 0));
        Assert.Equal(tail == "relu" ? "Relu" : "", node.GetString("activation", ""));
        Assert.Equal(tail == "residual" ? "r" : "", node.Inputs.Count > 4 ? node.Inputs[4] : "");
        var inputs = Inputs(model);
        // Same arithmetic in a different order of float additions only (bias and residual after the scale product).
        SameOutputs(model, fused, inputs, rtol: 1e-5, atol: 1e-5);

        // The kernel equals the fused reference op.
        var shapes = inputs.ToDictionary(kv => kv.Key, kv => ((Tensor)kv.Value!).Shape);
        var plan = PlanBuilder.Build(fused, shapes);
        var step = Assert.Single(plan.Steps);
        Assert.StartsWith("qgemm.", step.KernelName);
        Assert.Contains(".tensor", step.KernelName);
        var expected = (Tensor)Run(fused, inputs)[0].Value!;
        var ins = step.Node.Inputs.Select(i => i.Length == 0 ? null : fused.Graph.Initializers.TryGetValue(i, out var c) ? c : (Tensor)inputs[i]!).ToArray();
        var y = Tensor.Create(DType.Float32, expected.Shape);
        step.Kernel!.Execute(ins, [y], WorkerPool.Inline);
        double[] e = expected.ToDoubles(), got = y.ToDoubles();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - got[i]) <= 1e-5 + 1e-5 * Math.Abs(e[i]), $"[{i}] reference {e[i]}, kernel {got[i]}");
        }
    }

    [Fact]
    public void RunsInTheDefaultPipeline()
    {
        var model = OrtForm(40, 24, false, true, "relu");
        foreach (int level in new[] { 1, 2, 3 })
        {
            Assert.Equal(["axon:DynamicQuantMatMul"], Ops(Pipelines.For(level).Run(model)));
        }
        Assert.Equal(5 + 2, Pipelines.For(0).Run(model).Graph.Nodes.Count);
    }

    [Fact]
    public void ANonConstantWeightOrAForeignScaleIsLeftAlone()
    {
        var model = OrtForm(40, 24, false, true, "bias");
        // The scale product reads something other than the DQL's scale: not ORT's pattern, nothing changes.
        var g = model.Graph;
        g.Initializers["other"] = Scalar(0.5f);
        int i = g.Nodes.FindIndex(x => x.Outputs[0] == "s");
        g.Nodes[i] = N("Mul", ["other", "ws"], "s");
        var after = new PassManager([new InferShapes(), .. QuantizedModelPasses.Steps(2)]).Run(model);
        Assert.Equal(0, Count(after, "axon:DynamicQuantMatMul"));
        Assert.Equal(1, Count(after, "MatMulInteger"));
    }

    /// <summary>MiniLM in ORT's quantize_dynamic form (per-column 7-bit weights), written here the way the bench writes it.</summary>
    private static Model OrtFormMiniLM(Model fp32)
    {
        var g = fp32.Graph.Clone();
        g.Nodes.Clear();
        var dql = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in fp32.Graph.Nodes)
        {
            if (n.OpType != "MatMul" || !fp32.Graph.Initializers.TryGetValue(n.Inputs[1], out var w) || w.Rank != 2 || w.DType != DType.Float32)
            {
                g.Nodes.Add(n);
                continue;
            }
            string x = n.Inputs[0], y = n.Outputs[0], wn = n.Inputs[1];
            if (!dql.ContainsKey(x))
            {
                g.Nodes.Add(N("DynamicQuantizeLinear", [x], [x + "_q", x + "_s", x + "_z"]));
                dql[x] = x;
            }
            int k = w.Shape[0], cols = w.Shape[1];
            var f = w.ToArray<float>();
            var scale = new float[cols];
            var q = new sbyte[k * cols];
            for (int j = 0; j < cols; j++)
            {
                float max = 0;
                for (int p = 0; p < k; p++)
                {
                    max = MathF.Max(max, MathF.Abs(f[p * cols + j]));
                }
                scale[j] = max > 0 ? max / 64 : 1;
                for (int p = 0; p < k; p++)
                {
                    q[p * cols + j] = (sbyte)Math.Clamp(MathF.Round(f[p * cols + j] / scale[j]), -64, 64);
                }
            }
            g.Initializers.Remove(wn);
            g.Initializers[wn + "_q"] = Tensor.FromArray(q, k, cols);
            g.Initializers[wn + "_s"] = Tensor.FromArray(scale, cols);
            g.Initializers[wn + "_z"] = Tensor.FromArray(new sbyte[cols], cols);
            g.Nodes.Add(N("MatMulInteger", [x + "_q", wn + "_q", x + "_z", wn + "_z"], y + "_i"));
            g.Nodes.Add(N("Mul", [x + "_s", wn + "_s"], y + "_scale"));
            g.Nodes.Add(N("Cast", [y + "_i"], y + "_f", Attr.Of("to", (long)DType.Float32)));
            g.Nodes.Add(N("Mul", [y + "_f", y + "_scale"], y));
        }
        var m = new Model(g);
        foreach (var kv in fp32.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        return m;
    }

    [Fact]
    public void OrtQuantizedMiniLMRunsOnInt8ProductsAndFusedAttention()
    {
        var fp32 = MiniLM.Load();
        Assert.NotNull(fp32);
        var model = OrtFormMiniLM(fp32!);
        var fused = Pipelines.For(2).Run(model);
        Assert.Equal(0, Count(fused, "MatMulInteger") + Count(fused, "DynamicQuantizeLinear"));
        // Q|K|V merged into one product per layer, the output and two feed-forward products: 4 per layer.
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
        // The fused graph computes what the ONNX Runtime form computes (same quantization, same integer products).
        var a = ((Tensor)Run(model, inputs)[0].Value!).ToDoubles();
        var b = ((Tensor)Run(fused, inputs)[0].Value!).ToDoubles();
        Assert.True(DynamicQuantizeTests.Cosine(a, b) > 0.9999, $"cosine {DynamicQuantizeTests.Cosine(a, b)}");
    }
}
