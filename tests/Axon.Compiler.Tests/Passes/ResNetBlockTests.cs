using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

/// <summary>The whole -O2 pipeline on ResNet-shaped blocks: every BatchNormalization folded, every Relu fused.</summary>
public class ResNetBlockTests
{
    [Fact]
    public void BasicBlocksFoldBatchNormAndFuseReluAndResidual()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 1, 4, 6, 6));
        g.Outputs.Add(F32("y", 1, 4, 6, 6));
        string cur = "x";
        int seed = 100;
        for (int block = 0; block < 2; block++)
        {
            string input = cur;
            for (int layer = 0; layer < 2; layer++)
            {
                string p = $"b{block}l{layer}";
                g.Initializers[p + "w"] = Random(seed++, 4, 4, 3, 3);
                g.Initializers[p + "s"] = Random(seed++, 4);
                g.Initializers[p + "b"] = Random(seed++, 4);
                g.Initializers[p + "m"] = Random(seed++, 4);
                g.Initializers[p + "v"] = Tensor.FromArray(new[] { 1f, 0.5f, 2f, 1.5f });
                g.Nodes.Add(N("Conv", [cur, p + "w"], p + "c", Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
                g.Nodes.Add(N("BatchNormalization", [p + "c", p + "s", p + "b", p + "m", p + "v"], p + "bn"));
                cur = p + "bn";
                if (layer == 0)
                {
                    g.Nodes.Add(N("Relu", [cur], p + "r"));
                    cur = p + "r";
                }
            }
            g.Nodes.Add(N("Add", [cur, input], $"b{block}sum"));
            g.Nodes.Add(N("Relu", [$"b{block}sum"], block == 1 ? "y" : $"b{block}out"));
            cur = $"b{block}out";
        }
        var m = Model(g);
        // The fusions of -O2 without its last step, layout selection (SelectConvLayoutTests covers that).
        var r = new PassManager(Pipelines.Steps(2).SkipLast(1)).Run(m);
        Assert.Equal(Enumerable.Repeat("axon:FusedConv", 4), Ops(r));
        Assert.All(r.Graph.Nodes, n => Assert.Equal("Relu", n.GetString("activation", "")));
        Assert.Equal(2, r.Graph.Nodes.Count(n => n.Inputs.Count == 4));
        SameOutputs(m, r);
    }
}
