using Axon.Compiler.Passes;
using Axon.Compiler.Planning;
using Axon.Compiler.Quantization;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>Static QDQ graphs (what a calibrating quantizer writes) fused onto the INT8 kernels, within one quantization step of the float QDQ graph.</summary>
public class QdqFusionTests
{
    private static void QuantizeInput(Axon.Graph.Graph g, string x, string q, float scale, DType t, long zero)
    {
        g.Initializers[q + "_s"] = Scalar(scale);
        g.Initializers[q + "_z"] = t == DType.UInt8 ? Tensor.FromArray(new[] { (byte)zero }, Array.Empty<int>()) : Tensor.FromArray(new[] { (sbyte)zero }, Array.Empty<int>());
        g.Nodes.Add(N("QuantizeLinear", [x, q + "_s", q + "_z"], q));
        g.Nodes.Add(N("DequantizeLinear", [q, q + "_s", q + "_z"], q + "_dq"));
    }

    /// <summary>Weights as int8 per output channel along <paramref name="axis"/> (symmetric), dequantized by a DQ node.</summary>
    private static float[] Weights(Axon.Graph.Graph g, string name, int[] shape, int axis, int seed)
    {
        var w = QLinearConvKernelTests.Bytes(DType.Int8, seed, shape);
        int ch = shape[axis];
        var s = Enumerable.Range(0, ch).Select(j => 0.001f + 0.0002f * j).ToArray();
        g.Initializers[name + "_q"] = w;
        g.Initializers[name + "_s"] = Tensor.FromArray(s, ch);
        g.Initializers[name + "_z"] = Tensor.FromArray(new sbyte[ch], ch);
        g.Nodes.Add(N("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], name, Attr.Of("axis", (long)axis)));
        return s;
    }

    /// <summary>Q/DQ → Conv(DQ w per channel, DQ int32 bias) → Relu → Q → DQ → y (float).</summary>
    private static Model ConvModel(DType act, int group = 1)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 6, 9, 9));
        g.Outputs.Add(F32("y", 1, 9, 5, 5));
        QuantizeInput(g, "x", "xq", 0.02f, act, act == DType.UInt8 ? 128 : 0);
        var ws = Weights(g, "w", [9, 6 / group, 3, 3], 0, 3);
        g.Initializers["b_q"] = Tensor.FromArray(Enumerable.Range(0, 9).Select(j => j * 37 - 150).ToArray(), 9);
        g.Initializers["b_s"] = Tensor.FromArray(ws.Select(s => 0.02f * s).ToArray(), 9);
        g.Nodes.Add(N("DequantizeLinear", ["b_q", "b_s"], "b", Attr.Of("axis", 0L)));
        g.Nodes.Add(N("Conv", ["xq_dq", "w", "b"], "c", Attr.Of("kernel_shape", new long[] { 3, 3 }), Attr.Of("strides", new long[] { 2, 2 }),
            Attr.Of("pads", new long[] { 1, 1, 1, 1 }), Attr.Of("group", (long)group)));
        g.Nodes.Add(N("Relu", ["c"], "r"));
        QuantizeInput(g, "r", "yq", 0.05f, act, act == DType.UInt8 ? 10 : -20);
        g.Nodes.Add(N("Identity", ["yq_dq"], "y"));
        return Model(g, 21);
    }

    /// <summary>Q/DQ → Gemm(transB, DQ w per column, float bias) → Clip(0, 6) → Q → DQ → y; a [M, K] activation.</summary>
    private static Model GemmModel()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 17, 33));
        g.Outputs.Add(F32("y", 17, 19));
        QuantizeInput(g, "x", "xq", 0.01f, DType.UInt8, 131);
        Weights(g, "w", [19, 33], 0, 4);
        g.Initializers["b"] = Random(9, 19);
        g.Initializers["lo"] = Scalar(0f);
        g.Initializers["hi"] = Scalar(0.4f);
        g.Nodes.Add(N("Gemm", ["xq_dq", "w", "b"], "c", Attr.Of("transB", 1L)));
        g.Nodes.Add(N("Clip", ["c", "lo", "hi"], "r"));
        QuantizeInput(g, "r", "yq", 0.003f, DType.UInt8, 0);
        g.Nodes.Add(N("Identity", ["yq_dq"], "y"));
        return Model(g, 21);
    }

    /// <summary>Every output within one quantization step of the float QDQ graph, and most of them exactly equal.</summary>
    private static void WithinOneStep(Model before, Model after, float step)
    {
        var inputs = Inputs(before);
        foreach (var t in inputs.Values.Cast<Tensor>())
        {
            var s = t.Span<float>();
            for (int i = 0; i < s.Length; i++)
            {
                s[i] *= 2.5f;
            }
        }
        double[] a = ((Tensor)Run(before, inputs)[0].Value!).ToDoubles(), b = ((Tensor)Run(after, inputs)[0].Value!).ToDoubles();
        int same = 0;
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= step * 1.001, $"[{i}] float QDQ {a[i]}, INT8 {b[i]}");
            same += a[i] == b[i] ? 1 : 0;
        }
        Assert.True(same >= a.Length * 0.9, $"only {same} of {a.Length} outputs equal");
        Assert.Contains(a, v => v != a[0]);
    }

    [Theory]
    [InlineData(DType.UInt8, 1)]
    [InlineData(DType.Int8, 3)]
    public void ConvReluBecomesOneQLinearConv(DType act, int group)
    {
        var model = ConvModel(act, group);
        var fused = Pipelines.For(2).Run(model);
        Assert.Equal(1, Count(fused, "axon:QLinearConv"));
        Assert.Equal(0, Count(fused, "Conv") + Count(fused, "axon:FusedConv") + Count(fused, "Relu"));
        // Left standing: the input's QuantizeLinear and the output's DequantizeLinear (the weights' and input's DQs are gone).
        Assert.Equal(1, Count(fused, "QuantizeLinear"));
        Assert.Equal(1, Count(fused, "DequantizeLinear"));
        var conv = fused.Graph.Nodes.Single(n => n.OpType == "QLinearConv");
        Assert.Equal(act == DType.UInt8 ? 10 : -20, conv.GetInt("qmin", 0));
        WithinOneStep(model, fused, 0.05f);
        var plan = PlanBuilder.Build(fused, new Dictionary<string, int[]> { ["x"] = [1, 6, 9, 9] });
        Assert.All(plan.Steps.Where(s => s.Node.OpType != "Identity"), s => Assert.NotNull(s.Kernel));
        Assert.Contains(plan.Steps, s => s.KernelName.StartsWith("qconv.", StringComparison.Ordinal) && s.KernelName.EndsWith(".clamp", StringComparison.Ordinal));
    }

    [Fact]
    public void GemmClipBecomesOneQLinearMatMul()
    {
        var model = GemmModel();
        var fused = Pipelines.For(2).Run(model);
        Assert.Equal(1, Count(fused, "axon:QLinearMatMul"));
        Assert.Equal(0, Count(fused, "Gemm") + Count(fused, "axon:FusedGemm"));
        var q = fused.Graph.Nodes.Single(n => n.OpType == "QLinearMatMul");
        Assert.Equal(133, q.GetInt("qmax", 0)); // round(0.4 / 0.003) = 133
        Assert.Equal(new[] { 33, 19 }, fused.Graph.Initializers[q.Inputs[3]].Shape);
        WithinOneStep(model, fused, 0.003f);
        var plan = PlanBuilder.Build(fused, new Dictionary<string, int[]> { ["x"] = [17, 33] });
        Assert.All(plan.Steps.Where(s => s.Node.OpType != "Identity"), s => Assert.NotNull(s.Kernel));
        Assert.Contains(plan.Steps, s => s.KernelName.StartsWith("qgemm.", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnsupportedActivationIsNotFused()
    {
        var model = ConvModel(DType.UInt8);
        var relu = model.Graph.Nodes.Single(n => n.OpType == "Relu");
        model.Graph.Nodes[model.Graph.Nodes.IndexOf(relu)] = N("Sigmoid", ["c"], "r");
        var after = Pipelines.For(2).Run(model);
        Assert.Equal(0, Count(after, "axon:QLinearConv"));
        SameOutputs(model, after);
    }

    [Fact]
    public void EqualDqQPairsFoldAndUnequalOnesStay()
    {
        foreach (bool equal in new[] { true, false })
        {
            var g = new Axon.Graph.Graph();
            g.Inputs.Add(new ValueInfo("q", TypeInfo.Tensor(DType.UInt8, 3, 17)));
            g.Outputs.Add(new ValueInfo("y", TypeInfo.Tensor(DType.UInt8, 3, 17)));
            g.Initializers["s"] = Scalar(0.1f);
            g.Initializers["s2"] = Scalar(equal ? 0.1f : 0.2f);
            g.Initializers["z"] = Tensor.FromArray(new byte[] { 7 }, Array.Empty<int>());
            g.Nodes.Add(N("DequantizeLinear", ["q", "s", "z"], "f"));
            g.Nodes.Add(N("QuantizeLinear", ["f", "s2", "z"], "y"));
            var model = Model(g, 21);
            var after = Apply(new FoldQdqPairs(), model);
            Assert.Equal(equal ? ["DequantizeLinear", "Identity"] : ["DequantizeLinear", "QuantizeLinear"], Ops(after));
            var feeds = new Dictionary<string, IValue?> { ["q"] = QLinearConvKernelTests.Bytes(DType.UInt8, 2, [3, 17]) };
            Assert.Equal(((Tensor)Run(model, feeds)[0].Value!).ToDoubles(), ((Tensor)Run(after, feeds)[0].Value!).ToDoubles());
        }
    }
}
