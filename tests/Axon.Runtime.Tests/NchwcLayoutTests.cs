using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;
using Axon.Testing;

namespace Axon.Runtime.Tests;

/// <summary>
/// Models optimized at -O2 (layout selection on) run on the blocked NCHW16c kernels and give the unoptimized model's
/// reference outputs within 1e-4 relative.
/// </summary>
public sealed class NchwcLayoutTests
{
    private static Tensor Random(int seed, params int[] shape) => Seeded.Uniform(seed, shape);

    /// <summary>Runs the -O2 model compiled and the original in the reference executor; returns the kernel names per op.</summary>
    private static Dictionary<string, List<string>> CompiledMatchesReference(Model original, Dictionary<string, Tensor> feeds)
    {
        var optimized = Pipelines.For(2).Run(original);
        using var session = new InferenceSession(optimized);
        var got = session.Run(feeds);
        var want = new ReferenceExecutor(original).Run(feeds.ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value, StringComparer.Ordinal));
        var kernels = session.Plans.Single().Steps.GroupBy(s => s.Node.Domain.Length > 0 ? $"{s.Node.Domain}:{s.Node.OpType}" : s.Node.OpType)
            .ToDictionary(g => g.Key, g => g.Select(s => s.KernelName).ToList());
        Assert.Equal(want.Count, got.Count);
        for (int k = 0; k < got.Count; k++)
        {
            var w = ((Tensor)want[k].Value!).Span<float>();
            var a = (Tensor)got[k].Value!;
            Assert.Equal(((Tensor)want[k].Value!).Shape, a.Shape);
            var g = a.Span<float>();
            for (int i = 0; i < w.Length; i++)
            {
                Assert.True(Math.Abs(w[i] - g[i]) <= 1e-4 * Math.Max(Math.Abs(w[i]), Math.Abs(g[i])) + 1e-5, $"output {k}[{i}]: {g[i]} vs {w[i]}");
            }
        }
        Assert.All(kernels.Where(kv => kv.Key.StartsWith("axon:Nchwc", StringComparison.Ordinal) || kv.Key.StartsWith("axon:Reorder", StringComparison.Ordinal)),
            kv => Assert.DoesNotContain("reference", kv.Value));
        return kernels;
    }

    [Fact]
    public void SmallCnnWithAwkwardWidthRunsBlocked()
    {
        var kernels = CompiledMatchesReference(ModelZoo.SmallCnn(channels: 3, size: 13, width: 20), new() { ["x"] = Random(1, 2, 3, 13, 13) });
        Assert.Contains(kernels["axon:NchwcConv"], k => k.Contains(".plain_input", StringComparison.Ordinal));
        Assert.Equal("pool.max.nchw16c", Assert.Single(kernels["axon:NchwcMaxPool"]));
        Assert.Equal("pool.global_average.nchw16c", Assert.Single(kernels["axon:NchwcGlobalAveragePool"]));
    }

    [Fact]
    public void ResNetBlockReordersAtItsEdges()
    {
        var kernels = CompiledMatchesReference(ModelZoo.ResNetBlock(channels: 24, size: 7), new() { ["x"] = Random(2, 2, 24, 7, 7) });
        Assert.Equal("reorder.to_nchw16c", Assert.Single(kernels["axon:ReorderToNchwc"]));
        Assert.Equal("reorder.from_nchw16c", Assert.Single(kernels["axon:ReorderFromNchwc"]));
        Assert.Contains(kernels["axon:NchwcConv"], k => k.EndsWith(".residual.relu", StringComparison.Ordinal));
    }

    [Fact]
    public void ResNet50MatchesTheReference()
    {
        var kernels = CompiledMatchesReference(ResNet50Zoo.Build(classes: 10, size: 32), new() { ["x"] = Random(3, 1, 3, 32, 32) });
        Assert.Equal(53, kernels["axon:NchwcConv"].Count);
    }
}
