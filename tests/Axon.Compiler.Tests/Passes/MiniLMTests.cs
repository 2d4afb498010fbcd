using Axon.Compiler.Passes;
using Axon.Compiler.Tests.Support;
using Axon.Testing;
using Axon.Graph;

namespace Axon.Compiler.Tests.Passes;

/// <summary>The bar on a real model: all-MiniLM-L6-v2 at -O2.</summary>
public class MiniLMTests
{
    [Fact]
    public void O2FusesAttentionLayerNormAndGeluAndKeepsOutputs()
    {
        var model = MiniLM.Load();
        Assert.NotNull(model); // the package is downloaded at restore (PackageDownload); its absence is a build problem
        var optimized = Pipelines.For(2).Run(model!);

        Assert.NotSame(model, optimized);
        Assert.Equal(1, optimized.OpsetImports["axon"]);
        Assert.Equal(6, PassKit.Count(optimized, "axon:Attention"));
        // Opset 13: LayerNorm is axon:LayerNorm; the embeddings' plus two per layer.
        Assert.Equal(13, PassKit.Count(optimized, "axon:LayerNorm"));
        // Every GELU ended up in the intermediate dense layer's epilogue.
        Assert.Equal(6, optimized.Graph.Nodes.Count(n => n.GetString("activation", "") == "Gelu"));
        foreach (var gone in new[] { "Erf", "ReduceMean", "Sqrt", "Softmax", "Pow" })
        {
            Assert.DoesNotContain(gone, PassKit.Ops(optimized));
        }
        Assert.True(optimized.Graph.Nodes.Count <= 0.4 * model!.Graph.Nodes.Count,
            $"{optimized.Graph.Nodes.Count} nodes left of {model.Graph.Nodes.Count}");

        var rng = new Random(7);
        const int seq = 16;
        var ids = Enumerable.Range(0, seq).Select(_ => (long)rng.Next(1000, 30000)).ToArray();
        var mask = Enumerable.Range(0, seq).Select(i => i < 12 ? 1L : 0L).ToArray();
        var inputs = new Dictionary<string, IValue?>
        {
            ["input_ids"] = Tensor.FromArray(ids, 1, seq),
            ["attention_mask"] = Tensor.FromArray(mask, 1, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[seq], 1, seq),
        };
        PassKit.SameOutputs(model, optimized, inputs, rtol: 1e-4, atol: 1e-5);
    }
}
