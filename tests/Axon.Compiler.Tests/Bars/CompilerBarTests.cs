using Axon.Compiler.Passes;
using Axon.Compiler.Tests.Support;
using Axon.Testing;
using Axon.Graph;
using Axon.Graph.Builder;
using Xunit.Abstractions;

namespace Axon.Compiler.Tests.Bars;

/// <summary>The structural bars on real model shapes (timing bars live in bench/, not here).</summary>
public class CompilerBarTests(ITestOutputHelper output)
{
    [Fact]
    public void MiniLMBatch8Seq128PeakActivationIsAtMostHalfTheNaiveSum()
    {
        var model = MiniLM.Load();
        Assert.NotNull(model);
        var options = new CompileOptions { OptLevel = 2, BatchSizes = [8], Buckets = new Dictionary<string, int[]> { ["sequence"] = [128] } };
        var compiled = Compiler.Compile(model!, options).Model;
        var profile = Assert.Single(compiled.Metadata.Profiles);
        Assert.All(profile.InputShapes.Values, s => Assert.Equal([8, 128], s));
        output.WriteLine($"peak {profile.PeakActivationBytes:N0} B, naive {profile.NaiveActivationBytes:N0} B " +
                         $"({100.0 * profile.PeakActivationBytes / profile.NaiveActivationBytes:F1}%)");
        Assert.True(profile.NaiveActivationBytes > 8L * 128 * 384 * 4 * 20, "the naive sum should count every layer's activations");
        Assert.True(profile.PeakActivationBytes <= profile.NaiveActivationBytes / 2,
            $"peak {profile.PeakActivationBytes} > 50% of naive {profile.NaiveActivationBytes}");
    }

    /// <summary>Built once (25.6 M seeded weights take seconds); 32x32 inputs keep the reference runs short, the graph is the same.</summary>
    private static readonly Lazy<Model> ResNet50 = new(() => ResNet50Zoo.Build(classes: 10, size: 32));

    [Fact]
    public void ResNet50FoldsEveryBatchNormAndFusesEveryRelu()
    {
        var model = ResNet50.Value;
        int bn = model.Graph.Nodes.Count(n => n.OpType == "BatchNormalization");
        int relu = model.Graph.Nodes.Count(n => n.OpType == "Relu");
        Assert.Equal(53, bn);
        Assert.Equal(49, relu);
        var optimized = Pipelines.For(2).Run(model);
        var ops = PassKit.Ops(optimized);
        Assert.DoesNotContain("BatchNormalization", ops);
        Assert.DoesNotContain("Relu", ops);
        // 53 convolutions stay 53 (all in the blocked layout after layout selection): BN folded into each; the 4
        // downsample convs keep no epilogue (their bias is the folded BN shift) because their sum is the residual input
        // of the block's last convolution.
        Assert.Equal(53, PassKit.Count(optimized, "axon:NchwcConv"));
        Assert.Equal(4, optimized.Graph.Nodes.Count(n => n.OpType == "NchwcConv" && !n.HasAttr("activation")));
        // Every Relu - after a conv, or after a block's residual add - became a conv epilogue.
        Assert.Equal(relu, optimized.Graph.Nodes.Count(n => n.GetString("activation", "") == "Relu"));
        Assert.Equal(16, optimized.Graph.Nodes.Count(n => n.OpType == "NchwcConv" && n.Inputs.Count == 4));
    }

    [Fact]
    public void SmallResNet50KeepsItsNumbersThroughO3()
    {
        var model = ResNet50.Value;
        var optimized = Pipelines.For(3).Run(model);
        var rng = new Random(3);
        var x = new float[3 * 32 * 32];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        var inputs = new Dictionary<string, IValue?> { ["x"] = Tensor.FromArray(x, 1, 3, 32, 32) };
        PassKit.SameOutputs(model, optimized, inputs, rtol: 1e-4, atol: 1e-4);
    }
}
