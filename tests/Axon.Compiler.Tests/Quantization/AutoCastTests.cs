using Axon.Compiler.Passes;
using Axon.Compiler.Planning;
using Axon.Compiler.Quantization;
using Axon.Compiler.Tests.Support;
using Axon.Testing;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Quantization;

/// <summary>Auto-cast: half-width weight storage with FP32 accumulation, nearest and seeded stochastic rounding.</summary>
public class AutoCastTests
{
    private static Model Mlp()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 3, 32));
        g.Outputs.Add(F32("y", 3, 8));
        g.Initializers["w1"] = Random(1, 32, 20);
        g.Initializers["b1"] = Random(2, 20);
        g.Initializers["w2"] = Random(3, 20, 8);
        g.Nodes.Add(N("MatMul", ["x", "w1"], "h"));
        g.Nodes.Add(N("Add", ["h", "b1"], "hb"));
        g.Nodes.Add(N("Tanh", ["hb"], "t"));
        g.Nodes.Add(N("MatMul", ["t", "w2"], "y"));
        return Model(g, 17);
    }

    /// <summary>Bytes of the matrix weights (rank-2 initializers), leaving out embedding tables read by Gather (not cast yet).</summary>
    private static long WeightBytes(Model m)
    {
        var gathered = m.Graph.Nodes.Where(n => n.OpType == "Gather").Select(n => n.Inputs[0]).ToHashSet();
        return m.Graph.Initializers.Where(kv => kv.Value.Rank == 2 && !gathered.Contains(kv.Key)).Sum(kv => kv.Value.Length * kv.Value.DType.SizeOf());
    }

    [Theory]
    [InlineData(CastType.BFloat16, CastRounding.Nearest)]
    [InlineData(CastType.Float16, CastRounding.Nearest)]
    [InlineData(CastType.BFloat16, CastRounding.Stochastic)]
    [InlineData(CastType.Float16, CastRounding.Stochastic)]
    public void WeightsHalveAndOutputsStayClose(CastType type, CastRounding rounding)
    {
        var model = Mlp();
        var options = new CompileOptions { AutoCast = AutoCast.MatMult, AutoCastType = type, CastRounding = rounding };
        var fp32 = Pipelines.For(2).Run(model);
        var cast = Pipelines.For(options).Run(model, options);
        Assert.Equal(2, Count(cast, "axon:WideningMatMul"));
        Assert.Equal(WeightBytes(fp32) / 2, WeightBytes(cast));
        var inputs = Inputs(model);
        var a = ((Tensor)Run(fp32, inputs)[0].Value!).ToDoubles();
        var b = ((Tensor)Run(cast, inputs)[0].Value!).ToDoubles();
        Assert.True(DynamicQuantizeTests.Cosine(a, b) > 0.9999, $"cosine {DynamicQuantizeTests.Cosine(a, b)}");
        // The kernel widens the same stored weights: compiled outputs equal the reference's.
        var plan = PlanBuilder.Build(cast, new Dictionary<string, int[]> { ["x"] = [3, 32] });
        Assert.Equal(2, plan.Steps.Count(s => s.KernelName.Contains("widened", StringComparison.Ordinal)));
        // Stochastic rounding is seeded: the same options give the same weights.
        var again = Pipelines.For(options).Run(model, options);
        foreach (var (name, t) in cast.Graph.Initializers)
        {
            Assert.Equal(t.ToDoubles(), again.Graph.Initializers[name].ToDoubles());
        }
    }

    [Fact]
    public void StochasticHalfRoundingIsUnbiased()
    {
        var rng = new Random(3);
        float x = 1.0f + 0.3f * (float)Math.Pow(2, -10);
        double mean = Enumerable.Range(0, 20000).Average(_ => (double)(float)AutoCastMatMul.StochasticHalf(x, rng));
        Assert.InRange(mean, x - 2e-5, x + 2e-5);
    }

    [Fact]
    public void AllAlsoHalvesEmbeddingTables()
    {
        var model = MiniLM.Load();
        Assert.NotNull(model);
        var options = new CompileOptions { AutoCast = AutoCast.All, AutoCastType = CastType.BFloat16 };
        var fp32 = Pipelines.For(2).Run(model!);
        var cast = Pipelines.For(options).Run(model!, options);
        long Bytes(Model m) => m.Graph.Initializers.Values.Sum(t => t.Length * t.DType.SizeOf());
        Assert.True(Bytes(cast) * 2 <= Bytes(fp32) * 1.01, $"{Bytes(cast)} vs {Bytes(fp32)} bytes");
        var plan = PlanBuilder.Build(cast, new Dictionary<string, int[]> { ["input_ids"] = [1, 8], ["attention_mask"] = [1, 8], ["token_type_ids"] = [1, 8] });
        Assert.Contains(plan.Steps, s => s.KernelName == "cast.bf16-fp32");
    }

    [Fact]
    public void MiniLMBf16KeepsCosine0999()
    {
        var model = MiniLM.Load();
        Assert.NotNull(model);
        var options = new CompileOptions { AutoCast = AutoCast.All, AutoCastType = CastType.BFloat16 };
        var fp32 = Pipelines.For(2).Run(model!);
        var cast = Pipelines.For(options).Run(model!, options);
        Assert.True(WeightBytes(cast) * 2 <= WeightBytes(fp32) * 1.001, $"{WeightBytes(cast)} vs {WeightBytes(fp32)}");
        const int seq = 12;
        var rng = new Random(4);
        var inputs = new Dictionary<string, IValue?>
        {
            ["input_ids"] = Tensor.FromArray(Enumerable.Range(0, seq).Select(i => i == 0 ? 101L : rng.Next(1000, 30000)).ToArray(), 1, seq),
            ["attention_mask"] = Tensor.FromArray(Enumerable.Repeat(1L, seq).ToArray(), 1, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[seq], 1, seq),
        };
        var a = ((Tensor)Run(fp32, inputs)[0].Value!).ToDoubles();
        var b = ((Tensor)Run(cast, inputs)[0].Value!).ToDoubles();
        Assert.True(DynamicQuantizeTests.Cosine(a, b) >= 0.999, $"cosine {DynamicQuantizeTests.Cosine(a, b)}");
    }
}
