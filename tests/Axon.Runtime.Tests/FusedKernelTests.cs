using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using Axon.Testing;

namespace Axon.Runtime.Tests;

/// <summary>
/// The fast kernels of Axon's fused ops (domain "axon"): the compiled path must give the reference executor's outputs
/// (1e-4 relative, 1e-5 absolute floor for values near zero) and must actually run the fast kernel, not the fallback.
/// </summary>
public sealed class FusedKernelTests
{
    private static Tensor Random(int seed, params int[] shape) => Seeded.Uniform(seed, shape);

    private static ValueInfo F32(string name, params int[] dims) => new(name, TypeInfo.Tensor(DType.Float32, dims.Select(d => (long)d).ToArray()));

    private static Node Fused(string op, string[] inputs, string output, params Attr[] attrs)
    {
        var n = new Node(op, inputs, [output], output, "axon");
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        return n;
    }

    private static Model ModelOf(Axon.Graph.Graph g)
    {
        var m = new Model(g);
        m.OpsetImports[""] = 17;
        m.OpsetImports["axon"] = 1;
        return m;
    }

    /// <summary>One fused node; inputs named in <paramref name="runtime"/> are fed, the others are initializers.</summary>
    private static (Model Model, Dictionary<string, Tensor> Feeds) Single(Node node, int[] outShape, params (string Name, Tensor Value, bool Runtime)[] values)
    {
        var g = new Axon.Graph.Graph();
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value, runtime) in values)
        {
            if (runtime)
            {
                g.Inputs.Add(F32(name, value.Shape));
                feeds[name] = value;
            }
            else
            {
                g.Initializers[name] = value;
            }
        }
        g.Nodes.Add(node);
        g.Outputs.Add(F32(node.Outputs[0], outShape));
        return (ModelOf(g), feeds);
    }

    /// <summary>Runs <paramref name="model"/> compiled and <paramref name="reference"/> (default: the same model) on the reference executor; returns the kernels the plan chose per op.</summary>
    private static Dictionary<string, List<string>> AssertMatchesReference(Model model, Dictionary<string, Tensor> feeds, Model? reference = null)
    {
        using var session = new InferenceSession(model);
        var got = session.Run(feeds);
        var want = new ReferenceExecutor(reference ?? model).Run(feeds.ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value, StringComparer.Ordinal));
        Assert.Equal(want.Count, got.Count);
        var kernels = session.Plans.Single().Steps.GroupBy(s => s.Node.Domain.Length > 0 ? $"{s.Node.Domain}:{s.Node.OpType}" : s.Node.OpType)
            .ToDictionary(g => g.Key, g => g.Select(s => s.KernelName).ToList());
        for (int k = 0; k < got.Count; k++)
        {
            var w = (Tensor)want[k].Value!;
            var a = (Tensor)got[k].Value!;
            Assert.Equal(w.Shape, a.Shape);
            var ws = w.Span<float>();
            var gs = a.Span<float>();
            for (int i = 0; i < ws.Length; i++)
            {
                double tol = 1e-4 * Math.Max(Math.Abs(ws[i]), Math.Abs(gs[i])) + 1e-5;
                Assert.True(Math.Abs(ws[i] - gs[i]) <= tol,
                    $"output {k} element {i}: expected {ws[i]}, got {gs[i]}; kernels: {string.Join(", ", kernels.Select(kv => kv.Key + "=" + string.Join("/", kv.Value)))}");
            }
        }
        return kernels;
    }

    private static Attr[] Activation(string act) => act switch
    {
        "" => [],
        "LeakyRelu" => [Attr.Of("activation", act), Attr.Of("activation_alpha", 0.2f)],
        "Clip" => [Attr.Of("activation", act), Attr.Of("activation_alpha", -0.25f), Attr.Of("activation_beta", 0.5f)],
        "ClipLow" => [Attr.Of("activation", "Clip"), Attr.Of("activation_alpha", 0f)],
        _ => [Attr.Of("activation", act)],
    };

    public static TheoryData<string> Activations() => new("", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "GeluTanh", "Silu", "Clip", "ClipLow");

    private static string FastKernel(Dictionary<string, List<string>> kernels, string op)
    {
        string k = Assert.Single(kernels[op]);
        Assert.NotEqual("reference", k);
        return k;
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void FusedConvWithBiasResidualAndActivation(string act)
    {
        var node = Fused("FusedConv", ["x", "w", "b", "z"], "y", [.. Activation(act), Attr.Of("pads", new long[] { 1, 1, 1, 1 })]);
        var (m, feeds) = Single(node, [2, 6, 8, 8], ("x", Random(1, 2, 4, 8, 8), true), ("w", Random(2, 6, 4, 3, 3), false),
            ("b", Random(3, 6), false), ("z", Random(4, 2, 6, 8, 8), true));
        var k = FastKernel(AssertMatchesReference(m, feeds), "axon:FusedConv");
        Assert.StartsWith("conv.igemm.", k);
        Assert.Contains(".residual", k);
    }

    [Fact]
    public void FusedConvDepthwiseStridedWithoutResidual()
    {
        var node = Fused("FusedConv", ["x", "w", "b"], "y", Attr.Of("activation", "Relu"), Attr.Of("group", 4L), Attr.Of("strides", new long[] { 2, 2 }),
            Attr.Of("pads", new long[] { 1, 1, 1, 1 }));
        var (m, feeds) = Single(node, [1, 4, 5, 5], ("x", Random(5, 1, 4, 9, 9), true), ("w", Random(6, 4, 1, 3, 3), false), ("b", Random(7, 4), false));
        Assert.StartsWith("conv.depthwise.", FastKernel(AssertMatchesReference(m, feeds), "axon:FusedConv"));
    }

    [Fact]
    public void FusedConvWithBroadcastResidualFallsBackToReference()
    {
        var node = Fused("FusedConv", ["x", "w", "", "z"], "y", Attr.Of("activation", "Relu"));
        var (m, feeds) = Single(node, [1, 3, 4, 4], ("x", Random(8, 1, 2, 4, 4), true), ("w", Random(9, 3, 2, 1, 1), false), ("z", Random(10, 3, 1, 1), false));
        Assert.Equal("reference", Assert.Single(AssertMatchesReference(m, feeds)["axon:FusedConv"]));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void FusedMatMulWithBiasResidualAndActivation(string act)
    {
        var node = Fused("FusedMatMul", ["a", "w", "b", "z"], "y", Activation(act));
        var (m, feeds) = Single(node, [2, 3, 20], ("a", Random(11, 2, 3, 24), true), ("w", Random(12, 24, 20), false), ("b", Random(13, 20), false),
            ("z", Random(14, 2, 3, 20), true));
        var k = FastKernel(AssertMatchesReference(m, feeds), "axon:FusedMatMul");
        Assert.Contains(".prepacked", k);
        Assert.Contains(".bias.residual", k);
    }

    [Fact]
    public void FusedMatMulBatchedRuntimeOperands()
    {
        var node = Fused("FusedMatMul", ["a", "b", "bias", "z"], "y", Attr.Of("activation", "Tanh"));
        var (m, feeds) = Single(node, [3, 4, 5], ("a", Random(15, 3, 4, 7), true), ("b", Random(16, 3, 7, 5), true), ("bias", Random(17, 5), true),
            ("z", Random(18, 3, 4, 5), true));
        Assert.Contains(".batched", FastKernel(AssertMatchesReference(m, feeds), "axon:FusedMatMul"));
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void FusedGemmTransposedWithRowBiasAlphaBetaResidual(string act)
    {
        var node = Fused("FusedGemm", ["a", "b", "c", "z"], "y",
            [.. Activation(act), Attr.Of("transB", 1L), Attr.Of("alpha", 0.5f), Attr.Of("beta", 2f)]);
        var (m, feeds) = Single(node, [4, 5], ("a", Random(19, 4, 8), true), ("b", Random(20, 5, 8), false), ("c", Random(21, 5), false),
            ("z", Random(22, 4, 5), true));
        var k = FastKernel(AssertMatchesReference(m, feeds), "axon:FusedGemm");
        Assert.Contains(".prepacked.bias.residual", k);
    }

    [Fact]
    public void FusedGemmTransposedAWithFullBias()
    {
        var node = Fused("FusedGemm", ["a", "b", "c", "z"], "y", Attr.Of("activation", "Sigmoid"), Attr.Of("transA", 1L), Attr.Of("beta", 0.5f));
        var (m, feeds) = Single(node, [4, 5], ("a", Random(23, 8, 4), true), ("b", Random(24, 8, 5), true), ("c", Random(25, 4, 5), true),
            ("z", Random(26, 4, 5), true));
        FastKernel(AssertMatchesReference(m, feeds), "axon:FusedGemm");
    }

    [Fact]
    public void FusedGemmWithRowResidualOrUnknownActivationFallsBackToReference()
    {
        var node = Fused("FusedGemm", ["a", "b", "", "z"], "y", Attr.Of("activation", "Relu"));
        var (m, feeds) = Single(node, [4, 5], ("a", Random(27, 4, 8), true), ("b", Random(28, 8, 5), false), ("z", Random(29, 5), true));
        Assert.Equal("reference", Assert.Single(AssertMatchesReference(m, feeds)["axon:FusedGemm"]));
        var r = new Axon.Compiler.Lowering.KernelRequest(new Node("FusedGemm", ["a", "b"], ["y"], "g", "axon"),
            1, [TypeInfo.Tensor(DType.Float32, [4L, 8L]), TypeInfo.Tensor(DType.Float32, [8L, 5L])], [TypeInfo.Tensor(DType.Float32, [4L, 5L])], [null, null]);
        Assert.NotNull(Axon.Compiler.Lowering.KernelRegistry.Select(r));
        r.Node.SetAttr(Attr.Of("activation", "Softplus"));
        Assert.Null(Axon.Compiler.Lowering.KernelRegistry.Select(r));
    }

    [Theory]
    [InlineData("keys", true, false)]
    [InlineData("keys", true, true)]
    [InlineData("none", true, false)]
    [InlineData("shared", false, false)]
    [InlineData("shared", true, true)]
    [InlineData("none", false, true)]
    [InlineData("rows", true, true)]
    [InlineData("heads", false, false)]
    public void AttentionWithProjectionsAndMask(string maskForm, bool biases, bool self)
    {
        // self: Q, K and V project one input through constant weights, so the kernel packs them as one GEMM (".qkv").
        const int B = 2, S = 5, E = 8, H = 2;
        int t = self ? S : 6;
        var inputs = new List<string>();
        var values = new List<(string, Tensor, bool)> { ("xq", Random(30, B, S, E), true), ("xkv", Random(31, B, t, E), true) };
        int seed = 32;
        foreach (var p in new[] { "q", "k", "v" })
        {
            inputs.Add(p == "q" || self ? "xq" : "xkv");
            inputs.Add("w" + p);
            values.Add(("w" + p, Random(seed++, E, E), false));
            inputs.Add(biases ? "b" + p : "");
            if (biases)
            {
                values.Add(("b" + p, Random(seed++, E), false));
            }
        }
        if (maskForm != "none")
        {
            inputs.Add("mask");
            // keys: a [B, 1, 1, T] padding mask read in place; rows: [B, 1, S, 1] (the key axis broadcasts: expanded).
            var mt = maskForm switch
            {
                "shared" => Random(40, S, t),
                "keys" => Random(40, B, 1, 1, t),
                "rows" => Random(40, B, 1, S, 1),
                _ => Random(40, B, H, S, t),
            };
            var md = mt.Span<float>();
            // A masked-out key; a mask constant along the keys only shifts the row (where -10000 would just cancel digits).
            md[1] = maskForm == "rows" ? -3f : -10000f;
            values.Add(("mask", mt, true));
        }
        var node = Fused("Attention", inputs.ToArray(), "y", Attr.Of("num_heads", (long)H), Attr.Of("scale", 0.4f),
            Attr.Of("mask_kind", maskForm != "none" ? "additive" : "none"));
        var (m, feeds) = Single(node, [B, S, E], values.ToArray());
        string kernel = FastKernel(AssertMatchesReference(m, feeds), "axon:Attention");
        Assert.StartsWith("attention.fused.", kernel);
        Assert.Equal(self, kernel.Contains(".qkv"));
    }

    [Theory]
    [InlineData("Gelu", "none", "unary.gelu")]
    [InlineData("Gelu", "tanh", "unary.gelutanh")]
    [InlineData("Silu", "", "unary.silu")]
    public void UnaryFusedOps(string op, string approximate, string kernel)
    {
        var node = approximate.Length > 0 ? Fused(op, ["x"], "y", Attr.Of("approximate", approximate)) : Fused(op, ["x"], "y");
        var x = Random(50, 3, 37);
        x.Span<float>()[0] = 4f;
        var (m, feeds) = Single(node, [3, 37], ("x", x, true));
        Assert.Equal(kernel, FastKernel(AssertMatchesReference(m, feeds), "axon:" + op));
    }

    [Fact]
    public void LayerNormFusedOp()
    {
        var node = Fused("LayerNorm", ["x", "s", "b"], "y", Attr.Of("axis", -1L), Attr.Of("epsilon", 1e-3f));
        var (m, feeds) = Single(node, [2, 3, 16], ("x", Random(51, 2, 3, 16), true), ("s", Random(52, 16), false), ("b", Random(53, 16), false));
        Assert.Equal("layernorm.rows", FastKernel(AssertMatchesReference(m, feeds), "axon:LayerNorm"));
    }

    [Fact]
    public void OptimizedResNetBlockRunsFusedConvKernels()
    {
        var original = ModelZoo.ResNetBlock(channels: 8, size: 6);
        var optimized = Pipelines.For(2).Run(original);
        var feeds = new Dictionary<string, Tensor> { ["x"] = Random(60, 2, 8, 6, 6) };
        var kernels = AssertMatchesReference(optimized, feeds, original);
        // -O2 ends with layout selection: the fused convolutions run as blocked NCHW16c kernels.
        var conv = kernels["axon:NchwcConv"];
        Assert.Equal(2, conv.Count);
        Assert.All(conv, k => Assert.StartsWith("conv.nchw16c.", k));
        Assert.Contains(conv, k => k.EndsWith(".residual.relu", StringComparison.Ordinal));
    }

    [Fact]
    public void ThreeByThreeConvolutionsOnEnoughTilesRunWinograd()
    {
        // 32 channels on 16×16 planes, batch 2: 32 tiles of 4×4, so both 3×3 convolutions take Winograd F(4×4, 3×3) on
        // an AVX2 machine (the direct kernel elsewhere), and the block still matches the reference executor.
        var original = ModelZoo.ResNetBlock(channels: 32, size: 16);
        var optimized = Pipelines.For(2).Run(original);
        var feeds = new Dictionary<string, Tensor> { ["x"] = Random(62, 2, 32, 16, 16) };
        var conv = AssertMatchesReference(optimized, feeds, original)["axon:NchwcConv"];
        Assert.Equal(2, conv.Count);
        string expected = Axon.Kernels.Conv.WinogradConv.Enabled && Axon.Kernels.Cpu.CpuFeatures.Avx2Fma ? "conv.winograd_f4x3.nchw16c." : "conv.nchw16c.";
        Assert.All(conv, k => Assert.StartsWith(expected, k));
        Assert.Contains(conv, k => k.EndsWith(".residual.relu", StringComparison.Ordinal));
    }

    [Fact]
    public void OptimizedMlpRunsFusedGemmKernels()
    {
        var original = ModelZoo.Mlp(inputs: 32, hidden: [24, 16], classes: 5);
        var optimized = Pipelines.For(2).Run(original);
        var feeds = new Dictionary<string, Tensor> { ["x"] = Random(61, 3, 32) };
        var kernels = AssertMatchesReference(optimized, feeds, original);
        Assert.All(kernels["axon:FusedGemm"], k => Assert.EndsWith(".relu", k));
        Assert.Equal(2, kernels["axon:FusedGemm"].Count);
        Assert.DoesNotContain("reference", kernels["Gemm"]);
    }

    [Theory]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Bool)]
    public void IntegerCastToFloatRunsOnAKernel(DType from)
    {
        // An attention mask's Cast (int64 ones and zeros), and large values that round once on the way to float.
        long[] values = from == DType.Bool ? [1, 0, 1, 1, 0, 0] : [1, 0, -7, 16777217, -123456789, 3];
        var x = Tensor.FromInt64s(from, values, [2, 3]);
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(new ValueInfo("x", TypeInfo.Tensor(from, [2, 3])));
        var n = new Node("Cast", ["x"], ["y"], "cast");
        n.SetAttr(Attr.Of("to", (long)DType.Float32));
        g.Nodes.Add(n);
        g.Outputs.Add(F32("y", 2, 3));
        var kernels = AssertMatchesReference(ModelOf(g), new Dictionary<string, Tensor> { ["x"] = x });
        Assert.StartsWith("cast.", Assert.Single(kernels["Cast"]));
    }
}
