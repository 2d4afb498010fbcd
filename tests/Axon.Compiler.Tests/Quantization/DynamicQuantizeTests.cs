using Axon.Compiler.Lowering;
using Axon.Compiler.Passes;
using Axon.Compiler.Planning;
using Axon.Compiler.Quantization;
using Axon.Compiler.Tests.Support;
using Axon.Testing;
using Axon.Graph;
using Axon.Kernels.Threading;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>Dynamic INT8 quantization: the pass's rewrite, the reference ops against FP32, the kernels against the reference.</summary>
public class DynamicQuantizeTests
{
    private static readonly CompileOptions Dynamic = new() { Quantize = QuantizeMode.Dynamic };

    /// <summary>x[5,40] → MatMul + b → Relu → Gemm(transB, alpha 0.5) + c → y[5,10].</summary>
    private static Model Mlp()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 5, 40));
        g.Outputs.Add(F32("y", 5, 10));
        g.Initializers["w1"] = Random(1, 40, 24);
        g.Initializers["b1"] = Random(2, 24);
        g.Initializers["w2"] = Random(3, 10, 24);
        g.Initializers["c2"] = Random(4, 10);
        g.Nodes.Add(N("MatMul", ["x", "w1"], "h"));
        g.Nodes.Add(N("Add", ["h", "b1"], "hb"));
        g.Nodes.Add(N("Relu", ["hb"], "r"));
        g.Nodes.Add(N("Gemm", ["r", "w2", "c2"], "y", Attr.Of("transB", 1L), Attr.Of("alpha", 0.5f)));
        return Model(g, 17);
    }

    internal static double Cosine(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.Sqrt(aa * bb);
    }

    private static double[] Out(Model m, IReadOnlyDictionary<string, IValue?> inputs, int i = 0) => ((Tensor)Run(m, inputs)[i].Value!).ToDoubles();

    [Fact]
    public void MlpProductsBecomeInt8AndStayClose()
    {
        var model = Mlp();
        var q = Pipelines.For(Dynamic).Run(model);
        Assert.Equal(2, Count(q, "axon:DynamicQuantMatMul"));
        Assert.DoesNotContain(q.Graph.Initializers.Values, t => t.DType == DType.Float32 && t.Rank == 2);
        Assert.Contains(q.Graph.Initializers.Values, t => t.DType == DType.Int8 && t.Shape.SequenceEqual(new[] { 24, 10 }));
        var n = q.Graph.Nodes.First(x => x.OpType == "DynamicQuantMatMul");
        Assert.Equal("Relu", n.GetString("activation", ""));
        var inputs = Inputs(model);
        var a = Out(model, inputs);
        var b = Out(q, inputs);
        Assert.True(Cosine(a, b) > 0.999, $"cosine {Cosine(a, b)}");
        double scale = a.Max(Math.Abs);
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) < 0.05 * scale, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public void ExcludedNodesStayFloat()
    {
        var model = Mlp();
        model.Graph.Nodes[^1].Name = "classifier";
        var options = Dynamic with { PrecisionExclude = ["classifier"] };
        var q = Pipelines.For(options).Run(model, options);
        Assert.Equal(1, Count(q, "axon:DynamicQuantMatMul"));
        Assert.Equal(1, q.Graph.Nodes.Count(x => x.OpType.EndsWith("Gemm", StringComparison.Ordinal)));
    }

    [Fact]
    public void WithoutTheOptionNothingIsQuantized()
    {
        var q = Pipelines.For(new CompileOptions()).Run(Mlp());
        Assert.Equal(0, Count(q, "axon:DynamicQuantMatMul"));
    }

    [Fact]
    public void WeightsAreSevenBitSoTheFastPathRuns()
    {
        var (q, s) = WeightQuantizer.PerColumn(Random(9, 33, 7).ReadOnlySpan<float>(), 33, 7, false);
        Assert.All(q, v => Assert.InRange(v, -63, 63));
        Assert.Equal(7, s.Length);
        using var packed = Kernels.Quant.QuantizedMatrix.Pack(q, 33, 7);
        Assert.False(packed.Split);
    }

    private static Model SelfAttentionModel()
    {
        const int B = 2, S = 6, E = 32;
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", B, S, E));
        g.Inputs.Add(F32("mask", B, 1, 1, S));
        g.Outputs.Add(F32("y", B, S, E));
        int seed = 30;
        foreach (var p in new[] { "q", "k", "v" })
        {
            g.Initializers["w" + p] = Random(seed++, E, E);
            g.Initializers["b" + p] = Random(seed++, E);
        }
        var att = new Node("Attention", ["x", "wq", "bq", "x", "wk", "bk", "x", "wv", "", "mask"], ["y"], "att", "axon");
        att.SetAttr(Attr.Of("num_heads", 4L));
        att.SetAttr(Attr.Of("mask_kind", "additive"));
        g.Nodes.Add(att);
        var m = Model(g, 17);
        m.OpsetImports["axon"] = 1;
        return m;
    }

    [Fact]
    public void SelfAttentionProjectionsBecomeOneInt8Gemm()
    {
        var model = SelfAttentionModel();
        var q = Apply(new DynamicQuantizeMatMul(), model);
        Assert.Equal(["axon:DynamicQuantMatMul", "axon:AttentionCore"], Ops(q));
        var inputs = Inputs(model);
        ((Tensor)inputs["mask"]!).Span<float>()[3] = -10000f;
        var a = Out(model, inputs);
        var b = Out(q, inputs);
        Assert.True(Cosine(a, b) > 0.999, $"cosine {Cosine(a, b)}");
    }

    [Fact]
    public void KernelsMatchTheReferenceOps()
    {
        var model = Pipelines.For(Dynamic).Run(Mlp());
        var attention = Apply(new DynamicQuantizeMatMul(), SelfAttentionModel());
        foreach (var (m, shapes) in new[]
        {
            (model, new Dictionary<string, int[]> { ["x"] = [5, 40] }),
            (attention, new Dictionary<string, int[]> { ["x"] = [2, 6, 32], ["mask"] = [2, 1, 1, 6] }),
        })
        {
            var plan = PlanBuilder.Build(m, shapes);
            Assert.All(plan.Steps, s => Assert.NotNull(s.Kernel));
            Assert.Contains(plan.Steps, s => s.KernelName.StartsWith("qgemm.", StringComparison.Ordinal));
            var inputs = Inputs(m);
            foreach (var step in plan.Steps)
            {
                // Run each step's kernel on the reference executor's own inputs and compare with its output.
                var scope = new ReferenceScope(m, inputs);
                var ins = step.Node.Inputs.Select(scope.Get).ToArray();
                var expected = (Tensor)scope.Get(step.Node.Outputs[0])!;
                var y = Tensor.Create(DType.Float32, expected.Shape);
                step.Kernel!.Execute(ins, [y], WorkerPool.Inline);
                double[] e = expected.ToDoubles(), got = y.ToDoubles();
                for (int i = 0; i < e.Length; i++)
                {
                    Assert.True(Math.Abs(e[i] - got[i]) <= 1e-4 + 1e-4 * Math.Abs(e[i]), $"{step.Node}: [{i}] reference {e[i]}, kernel {got[i]}");
                }
            }
        }
    }

    /// <summary>Every intermediate value of a reference run (the graph's nodes' outputs made graph outputs).</summary>
    private sealed class ReferenceScope
    {
        private readonly Dictionary<string, Tensor?> _values = new(StringComparer.Ordinal);

        public ReferenceScope(Model m, IReadOnlyDictionary<string, IValue?> inputs)
        {
            var g = m.Graph.Clone();
            g.Outputs.Clear();
            foreach (var n in g.Nodes)
            {
                foreach (var o in n.Outputs)
                {
                    g.Outputs.Add(new ValueInfo(o, TypeInfo.Tensor(DType.Float32, SymShape.UnknownRank)));
                }
            }
            var mm = new Model(g);
            foreach (var kv in m.OpsetImports)
            {
                mm.OpsetImports[kv.Key] = kv.Value;
            }
            foreach (var kv in Run(mm, inputs))
            {
                _values[kv.Key] = kv.Value as Tensor;
            }
            foreach (var kv in inputs)
            {
                _values[kv.Key] = kv.Value as Tensor;
            }
            foreach (var kv in m.Graph.Initializers)
            {
                _values[kv.Key] = kv.Value;
            }
        }

        public Tensor? Get(string name) => name.Length == 0 ? null : _values[name];
    }

    [Fact]
    public void MiniLMSentenceEmbeddingsStayWithinCosine099()
    {
        var model = MiniLM.Load();
        Assert.NotNull(model);
        var q = Pipelines.For(Dynamic).Run(model!);
        // Every projection of the six layers (Q/K/V fused, output, two feed-forward) and the pooler are INT8.
        Assert.Equal(6 * 4 + 1, Count(q, "axon:DynamicQuantMatMul"));
        Assert.Equal(6, Count(q, "axon:AttentionCore"));
        const int seq = 16;
        var rng = new Random(11);
        var ids = Enumerable.Range(0, seq).Select(i => i == 0 ? 101L : rng.Next(1000, 30000)).ToArray();
        var mask = Enumerable.Range(0, seq).Select(i => i < 13 ? 1L : 0L).ToArray();
        var inputs = new Dictionary<string, IValue?>
        {
            ["input_ids"] = Tensor.FromArray(ids, 1, seq),
            ["attention_mask"] = Tensor.FromArray(mask, 1, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[seq], 1, seq),
        };
        var fp32 = Pipelines.For(2).Run(model!);
        var a = Pool(Out(fp32, inputs), mask);
        var b = Pool(Out(q, inputs), mask);
        Assert.True(Cosine(a, b) >= 0.99, $"sentence-embedding cosine {Cosine(a, b)}");
    }

    private static double[] Pool(double[] hidden, long[] mask)
    {
        int d = hidden.Length / mask.Length;
        var r = new double[d];
        for (int t = 0; t < mask.Length; t++)
        {
            for (int e = 0; e < d && mask[t] != 0; e++)
            {
                r[e] += hidden[t * d + e];
            }
        }
        return r;
    }
}
