using Axon.Compiler.Quantization;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>SmoothQuant: exact on the FP32 graph, folds only where exact, and makes per-tensor activation quantization more accurate.</summary>
public class SmoothQuantTests
{
    private const int B = 2, T = 8, E = 32, H = 4, D = 8, F = 64;

    /// <summary>
    /// One BERT block (post-LN, as MiniLM): LayerNormalization (γ with an outlier channel) → Q/K/V (+bias) → heads
    /// Reshape/Transpose → softmax(QKᵀ)·V → Transpose/Reshape → output projection → residual → decomposed LayerNorm
    /// affine (Mul γ, Add β) → FFN up → GELU → FFN down → residual.
    /// </summary>
    private static Model Block(long[]? vPerm = null, float outlier = 25f)
    {
        var b = new GraphBuilder("block", 17);
        var x = b.Input("x", DType.Float32, B, T, E);
        var g1 = Enumerable.Range(0, E).Select(i => i == 3 ? outlier : 1f + 0.01f * i).ToArray();
        var x1 = b.LayerNorm(x, b.Constant("ln1_g", Tensor.FromArray(g1, E)), b.RandomWeight("ln1_b", [E], 2, WeightInit.Xavier));
        Value Proj(Value v, string name, int k, int n) => b.Add(b.MatMul(v, b.RandomWeight(name + "_w", [k, n], 3, WeightInit.Xavier)), b.RandomWeight(name + "_b", [n], 4, WeightInit.Xavier));
        Value Heads(Value v) => b.Transpose(b.Reshape(v, B, T, H, D), 0, 2, 1, 3);
        var q = Heads(Proj(x1, "q", E, E));
        var k = b.Transpose(b.Reshape(Proj(x1, "k", E, E), B, T, H, D), 0, 2, 3, 1);
        var v = b.Transpose(b.Reshape(Proj(x1, "v", E, E), B, T, H, D), vPerm ?? [0, 2, 1, 3]);
        var p = b.Softmax(b.MatMul(q, k));
        var ctx = b.Reshape(b.Transpose(b.MatMul(p, v), 0, 2, 1, 3), B, T, E);
        var a = b.Add(Proj(ctx, "o", E, E), x1);
        var mean = b.Node("ReduceMean", [a], Attr.Of("axes", new long[] { -1 }));
        var c = b.Sub(a, mean);
        var norm = b.Div(c, b.Node("Sqrt", [b.Add(b.Node("ReduceMean", [b.Mul(c, c)], Attr.Of("axes", new long[] { -1 })), b.Constant("eps", Scalar(1e-5f)))]));
        var g2 = Enumerable.Range(0, E).Select(i => i == 7 ? outlier : 1f).ToArray();
        var x2 = b.Add(b.Mul(norm, b.Constant("ln2_g", Tensor.FromArray(g2, E))), b.RandomWeight("ln2_b", [E], 5, WeightInit.Xavier));
        var h = b.Gelu(Proj(x2, "up", E, F));
        b.Output(b.Add(Proj(h, "down", F, E), x2), "y");
        return b.Build();
    }

    /// <summary>max |x| per channel of every named activation, by the reference executor over seeded inputs.</summary>
    private static Dictionary<string, float[]> ChannelMax(Model m, IEnumerable<SmoothTarget> targets, int samples = 3)
    {
        var g = m.Graph.Clone();
        var list = targets.ToList();
        foreach (var t in list)
        {
            g.Outputs.Add(new ValueInfo(t.Activation, TypeInfo.Unknown));
        }
        var probe = Model(g, 17);
        var max = list.ToDictionary(t => t.Activation, t => new float[t.Channels]);
        for (int s = 0; s < samples; s++)
        {
            foreach (var kv in new ReferenceExecutor(probe).Run(Inputs(m, 10 + s)))
            {
                if (max.TryGetValue(kv.Key, out var mx))
                {
                    var v = ((Tensor)kv.Value!).ReadOnlySpan<float>();
                    for (int i = 0; i < v.Length; i++)
                    {
                        mx[i % mx.Length] = MathF.Max(mx[i % mx.Length], MathF.Abs(v[i]));
                    }
                }
            }
        }
        return max;
    }

    private static Model Smooth(Model m, SmoothQuantOptions o) => Apply(new SmoothQuant(ChannelMax(m, SmoothQuant.Activations(m.Graph, o)), o), m);

    [Fact]
    public void SmoothedBlockComputesTheSameFunction()
    {
        var m = Block();
        var o = new SmoothQuantOptions { Alpha = 0.5, InsertMul = true };
        var targets = SmoothQuant.Activations(m.Graph, o);
        // LayerNormalization (Q/K/V share one s), the decomposed affine (FFN up), the V projection (output projection), GELU (inserted Mul).
        Assert.Equal([SmoothKind.LayerNormAffine, SmoothKind.AttentionValue, SmoothKind.LayerNormAffine, SmoothKind.InsertedMul], targets.Select(t => t.Kind));
        Assert.Equal(3, targets[0].Weights.Count);
        Assert.Equal(["ln1_g", "ln1_b"], targets[0].Absorbers);
        Assert.Equal(["v_w", "v_b"], targets[1].Absorbers);
        Assert.Equal(["ln2_g", "ln2_b"], targets[2].Absorbers);
        // Both LayerNorm outputs also feed a residual Add, which gets x back through one Mul.
        Assert.All(new[] { targets[0], targets[2] }, t => Assert.Single(t.Others));

        var s = Smooth(m, o);
        Assert.Equal(Count(m, "Mul") + 3, Count(s, "Mul"));
        Assert.Equal(m.Graph.Nodes.Count + 3, s.Graph.Nodes.Count);
        // The outlier channel of γ was divided down, its Q/K/V weight rows scaled up, V's columns divided.
        Assert.True(s.Graph.Initializers["ln1_g"].ToDoubles()[3] < 25 / 2.0);
        Assert.NotEqual(m.Graph.Initializers["v_w"].ToDoubles(), s.Graph.Initializers["v_w"].ToDoubles());
        Assert.NotEqual(m.Graph.Initializers["o_w"].ToDoubles(), s.Graph.Initializers["o_w"].ToDoubles());
        // The input graph is untouched, and the smoothed one computes the same function.
        Assert.Equal(25f, m.Graph.Initializers["ln1_g"].ToArray<float>()[3]);
        for (int seed = 1; seed <= 3; seed++)
        {
            SameOutputs(m, s, Inputs(m, seed), rtol: 1e-4, atol: 1e-4);
        }
    }

    [Fact]
    public void FoldsOnlyWhereExact()
    {
        // V's heads transposed so the product contracts over h (perm 0,3,1,2 → [B, D, T, H]): not per channel, not folded.
        var m = Block(vPerm: [0, 2, 3, 1]);
        var targets = SmoothQuant.Activations(m.Graph, new SmoothQuantOptions());
        Assert.DoesNotContain(targets, t => t.Kind == SmoothKind.AttentionValue);
        // Without InsertMul, GELU's output (nothing to absorb 1/s) is left alone.
        Assert.DoesNotContain(targets, t => t.Kind == SmoothKind.InsertedMul);
        // Excluded products are not smoothed; an activation without statistics is left alone.
        var excl = SmoothQuant.Activations(Block().Graph, new SmoothQuantOptions { Exclude = [.. Block().Graph.Nodes.Where(n => n.OpType == "MatMul").Select(n => n.Name)] });
        Assert.Empty(excl);
        var b = Block();
        Assert.Same(b.Graph, new SmoothQuant(new Dictionary<string, float[]>(), new SmoothQuantOptions()).Run(b.Graph, new Axon.Compiler.Passes.PassContext(b.OpsetImports, new CompileOptions())));
        var e = Assert.Throws<AxonInputException>(() => new SmoothQuant(new Dictionary<string, float[]>(), new SmoothQuantOptions { Alpha = 1.5 }));
        Assert.Equal("AXQ070", e.Code);
    }

    [Fact]
    public void SmoothingReducesPerTensorQuantizationErrorOfAnOutlierChannel()
    {
        var m = Block(outlier: 40f);
        var o = new SmoothQuantOptions { Alpha = 0.5 };
        var q = new OnnxDynamicOptions { PerChannel = true, ReduceRange = true };
        var plain = OnnxDynamicQuantizer.Quantize(m, q);
        var smoothed = OnnxDynamicQuantizer.Quantize(Smooth(m, o), q);
        double errPlain = 0, errSmooth = 0;
        for (int seed = 20; seed < 23; seed++)
        {
            var inputs = Inputs(m, seed);
            var f = ((Tensor)Run(m, inputs)[0].Value!).ToDoubles();
            errPlain += RelErr(f, ((Tensor)Run(plain, inputs)[0].Value!).ToDoubles());
            errSmooth += RelErr(f, ((Tensor)Run(smoothed, inputs)[0].Value!).ToDoubles());
        }
        Assert.True(errSmooth < 0.7 * errPlain, $"smoothed {errSmooth / 3:E3} vs plain {errPlain / 3:E3}");
    }

    private static double RelErr(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum() / a.Sum(x => x * x));
}
