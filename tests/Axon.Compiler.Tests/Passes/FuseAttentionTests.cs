using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class FuseAttentionTests
{
    private const int B = 2, S = 5, H = 2, D = 4, E = H * D;

    /// <summary>BERT-style self-attention as exported: projections, heads, scaled scores, mask, softmax, merge.</summary>
    private static Model Exported(bool kDirect, bool divScale, bool mask, bool vBias)
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", B, S, E));
        if (mask)
        {
            g.Inputs.Add(F32("mask", B, 1, 1, S));
        }
        g.Outputs.Add(F32("y", B, S, E));
        g.Initializers["split"] = Tensor.FromArray(new long[] { 0, 0, H, D });
        g.Initializers["merge"] = Tensor.FromArray(new long[] { 0, 0, E });
        g.Initializers["c"] = Scalar(divScale ? 2f : 0.5f);
        int seed = 20;
        foreach (var p in new[] { "q", "k", "v" })
        {
            g.Initializers["w" + p] = Random(seed++, E, E);
            g.Initializers["b" + p] = Random(seed++, E);
            g.Nodes.Add(N("MatMul", ["x", "w" + p], p + "m"));
            if (p != "v" || vBias)
            {
                g.Nodes.Add(N("Add", ["b" + p, p + "m"], p + "p"));
            }
            g.Nodes.Add(N("Reshape", [p != "v" || vBias ? p + "p" : p + "m", "split"], p + "r"));
        }
        var heads = Attr.Of("perm", new long[] { 0, 2, 1, 3 });
        g.Nodes.Add(N("Transpose", ["qr"], "qh", heads));
        if (kDirect)
        {
            g.Nodes.Add(N("Transpose", ["kr"], "kt", Attr.Of("perm", new long[] { 0, 2, 3, 1 })));
        }
        else
        {
            g.Nodes.Add(N("Transpose", ["kr"], "kh", heads));
            g.Nodes.Add(N("Transpose", ["kh"], "kt", Attr.Of("perm", new long[] { 0, 1, 3, 2 })));
        }
        g.Nodes.Add(N("Transpose", ["vr"], "vh", heads));
        g.Nodes.Add(N("MatMul", ["qh", "kt"], "scores"));
        g.Nodes.Add(N(divScale ? "Div" : "Mul", ["scores", "c"], "scaled"));
        if (mask)
        {
            g.Nodes.Add(N("Add", ["scaled", "mask"], "masked"));
        }
        g.Nodes.Add(N("Softmax", [mask ? "masked" : "scaled"], "probs", Attr.Of("axis", -1L)));
        g.Nodes.Add(N("MatMul", ["probs", "vh"], "ctx"));
        g.Nodes.Add(N("Transpose", ["ctx"], "ctxt", heads));
        g.Nodes.Add(N("Reshape", ["ctxt", "merge"], "y"));
        return Model(g, 13);
    }

    [Theory]
    [InlineData(true, true, true, true)]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, true, false)]
    public void FusesMultiHeadAttention(bool kDirect, bool divScale, bool mask, bool vBias)
    {
        var m = Exported(kDirect, divScale, mask, vBias);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseAttention(), m));
        var n = Assert.Single(r.Graph.Nodes);
        Assert.Equal("axon:Attention", Ops(r)[0]);
        Assert.Equal(H, n.GetInt("num_heads", 0));
        Assert.Equal(divScale ? 0.5f : 0.5f, n.GetFloat("scale", 0));
        Assert.Equal(mask ? "additive" : "none", n.GetString("mask_kind", ""));
        Assert.Equal(vBias ? "bv" : "", n.Inputs.ElementAtOrDefault(8) ?? ""); // trailing omitted inputs are trimmed
        var inputs = Inputs(m);
        if (mask)
        {
            var md = new float[B * S];
            md[S - 1] = -10000; // mask the last key of the first sequence
            inputs["mask"] = Tensor.FromArray(md, B, 1, 1, S);
        }
        SameOutputs(m, r, inputs);
    }

    /// <summary>The dynamic-shape export: reshape targets concatenated from the projection's own batch and sequence dims.</summary>
    private static Model Dynamic(long secondIndex)
    {
        var m = Exported(true, true, false, true);
        var g = m.Graph;
        g.Initializers["ax0"] = Tensor.FromArray(new long[] { 0 });
        g.Initializers["i0"] = Tensor.FromArray(new long[] { 0 }, Array.Empty<int>());
        g.Initializers["i1"] = Tensor.FromArray(new long[] { secondIndex }, Array.Empty<int>());
        g.Initializers["h"] = Tensor.FromArray(new long[] { H });
        g.Initializers["d"] = Tensor.FromArray(new long[] { D });
        foreach (var p in new[] { "q", "k", "v" })
        {
            int at = g.Nodes.FindIndex(n => n.Outputs[0] == p + "r");
            g.Nodes.InsertRange(at,
            [
                N("Shape", [p + "p"], p + "shape"),
                N("Gather", [p + "shape", "i0"], p + "b", Attr.Of("axis", 0L)),
                N("Gather", [p + "shape", "i1"], p + "s", Attr.Of("axis", 0L)),
                N("Unsqueeze", [p + "b", "ax0"], p + "bu"),
                N("Unsqueeze", [p + "s", "ax0"], p + "su"),
                N("Concat", [p + "bu", p + "su", "h", "d"], p + "split", Attr.Of("axis", 0L)),
            ]);
            g.Nodes[at + 6] = N("Reshape", [p + "p", p + "split"], p + "r");
        }
        return m;
    }

    [Fact]
    public void FusesDynamicShapeExport()
    {
        var m = Dynamic(1);
        var r = Apply(new DeadCodeElimination(), Apply(new FuseAttention(), m));
        Assert.Equal(["axon:Attention"], Ops(r));
        SameOutputs(m, r);
    }

    [Fact]
    public void DynamicShapeThatRegroupsRowsIsNotFused()
    {
        // [B, B, H, D] from a [B, S, E] projection only works when B == S; attention must not assume it.
        var m = Dynamic(0);
        Assert.Same(m, Apply(new FuseAttention(), m));
    }

    [Fact]
    public void SoftmaxOverAnotherAxisIsNotAttention()
    {
        var m = Exported(true, true, false, true);
        int i = m.Graph.Nodes.FindIndex(n => n.OpType == "Softmax");
        m.Graph.Nodes[i] = N("Softmax", m.Graph.Nodes[i].Inputs.ToArray(), "probs", Attr.Of("axis", 2L));
        Assert.Same(m, Apply(new FuseAttention(), m));
    }
}
