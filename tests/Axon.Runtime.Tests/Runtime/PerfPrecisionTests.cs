using Axon.Compiler;
using Axon.Compiler.Artifact;
using Axon.Runtime.Perf;

namespace Axon.Runtime.Tests.Runtime;

public sealed class PerfPrecisionTests
{
    [Fact]
    public void EveryPrecisionCompilesTheModelInThatMode()
    {
        var o = new PerfOptions { Model = RuntimeFixtures.SmallMlp() };
        var fp32 = PerfModels.Prepare(o, null);
        Assert.Equal("fp32", fp32.Precision);
        Assert.DoesNotContain(fp32.Model.Graph.Nodes, n => n.OpType == "DynamicQuantMatMul");
        Assert.All(fp32.Model.Graph.Initializers.Values, t => Assert.Equal(DType.Float32, t.DType));

        var int8 = PerfModels.Prepare(o, "int8");
        Assert.Equal("int8", int8.Precision);
        Assert.Equal(2, int8.Model.Graph.Nodes.Count(n => n.OpType == "DynamicQuantMatMul"));

        var bf16 = PerfModels.Prepare(o, "bf16");
        Assert.Contains(bf16.Model.Graph.Initializers.Values, t => t.DType == DType.BFloat16);
        var fp16 = PerfModels.Prepare(o, "FP16");
        Assert.Equal("fp16", fp16.Precision);
        Assert.Contains(fp16.Model.Graph.Initializers.Values, t => t.DType == DType.Float16);
    }

    [Fact]
    public void TheSweepLabelsEveryPointWithItsPrecisionAndKeepsEveryLatency()
    {
        var points = PerfRunner.Run(new PerfOptions
        {
            Model = RuntimeFixtures.SmallMlp(),
            BatchSizes = [2],
            Precisions = ["fp32", "bf16", "fp16", "int8"],
            Concurrency = 2,
            Iterations = 12,
            Warmup = TimeSpan.Zero,
        });
        Assert.Equal(["fp32", "bf16", "fp16", "int8"], points.Select(p => p.Precision));
        Assert.All(points, p =>
        {
            Assert.Equal(0, p.Errors);
            Assert.Equal(12, p.LatenciesMs.Count);
            Assert.Equal(p.LatenciesMs.Order(), p.LatenciesMs);
            Assert.Equal(PerfRunner.Percentile(p.LatenciesMs, 0.5), p.P50Ms);
        });
        Assert.Equal(4.0 / (100 * 3600) * 1e6, PerfRunner.CostPerMillion(4, 100), 12);
    }

    [Fact]
    public void UnknownPrecisionsFailBeforeAnyPointAndNewOnesCanBeRegistered()
    {
        var e = Assert.Throws<AxonException>(() => PerfRunner.Run(new PerfOptions { Model = RuntimeFixtures.SmallMlp(), Precisions = ["int4"], Iterations = 1 }));
        Assert.Equal("AXP001", e.Code);
        PerfPrecision.Register("int8-test", o => o with { Quantize = QuantizeMode.Dynamic });
        Assert.True(PerfPrecision.IsKnown("int8-test"));
        Assert.Equal(QuantizeMode.Dynamic, PerfPrecision.Apply("int8-test", new CompileOptions()).Quantize);
    }

    [Fact]
    public void AnArtifactRunsOnlyInThePrecisionItWasCompiledWith()
    {
        string dir = Path.Combine(Path.GetTempPath(), "axon-perf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "mlp.axon");
            AxonFile.Save(Axon.Compiler.Compiler.Compile(RuntimeFixtures.SmallMlp(), new CompileOptions { Quantize = QuantizeMode.Dynamic }).Model, path);
            Assert.Equal("int8", PerfModels.Prepare(new PerfOptions { ModelPath = path }, null).Precision);
            var e = Assert.Throws<AxonException>(() => PerfModels.Prepare(new PerfOptions { ModelPath = path }, "fp32"));
            Assert.Equal("AXP002", e.Code);
            Assert.Contains("int8", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
