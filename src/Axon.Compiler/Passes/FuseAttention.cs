using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses exported multi-head attention into one axon:Attention node:
/// Q/K/V = x·W (+ b); each reshaped to [B, S, H, D] and transposed to heads (K straight to [B, H, D, S] or via a second
/// transpose); scores = Q·Kᵀ scaled by Div or Mul with a constant (or not at all); an optional additive mask;
/// Softmax over the last axis; ·V; transposed back and reshaped to [B, S, H·D]. The fused node replaces the final Reshape;
/// the shape arithmetic feeding the reshapes dies with the pattern (DCE). When Q, K and V are instead each the output of an
/// INT8 product (axon:DynamicQuantMatMul without activation or residual, from a pre-quantized model), the same pattern
/// becomes Concat(q, k, v) feeding axon:AttentionCore, so the attention still runs as one kernel.
/// </summary>
public sealed class FuseAttention : PassBase
{
    public override string Name => "fuse-attention";

    private static readonly long[] ToHeads = [0, 2, 1, 3];

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node[]>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var root in graph.Nodes)
        {
            if (root.OpType != "Reshape" || root.Domain.Length != 0 || root.Inputs.Count != 2)
            {
                continue;
            }
            context.CurrentNode = root;
            if (Match(root, index, s => Rewrite.FreshName(graph, s, taken), inits) is { } fused)
            {
                replace[root] = fused;
                context.Count(Name, fused.Length == 1 ? "fused" : "fused-quantized-projections");
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Quantization.MatMulWeightPass.Apply(graph, replace, inits);
    }

    /// <summary>A projection x·W (+ b), or (<paramref name="Computed"/>) an already projected value X.</summary>
    private sealed record Projection(string X, string W, string Bias, long Heads, long HeadDim, bool Computed = false);

    private static Node[]? Match(Node root, GraphIndex ix, Func<string, string> fresh, Dictionary<string, Tensor> inits)
    {
        var back = ix.Producer(root.Inputs[0], "Transpose");
        if (back is null || !Perm(back, ToHeads) || !OnlyShapeReaders(root.Inputs[0], ix))
        {
            return null;
        }
        var pv = ix.Producer(back.Inputs[0], "MatMul");
        if (pv is null || !ix.SingleUse(back.Inputs[0]))
        {
            return null;
        }
        var softmax = ix.Producer(pv.Inputs[0], "Softmax");
        if (softmax is null || !ix.SingleUse(pv.Inputs[0]) || softmax.GetInt("axis", -1) is not (-1 or 3))
        {
            return null;
        }
        string scoresIn = softmax.Inputs[0];
        string mask = "";
        if (ix.Producer(scoresIn, "Add") is { } maskAdd && ix.SingleUse(scoresIn))
        {
            // The scaled scores are the operand made by the scale (or QKᵀ itself); the other is the mask.
            int k = maskAdd.Inputs.FindIndex(i => ix.Producer(i) is { Domain: "", OpType: "Div" or "Mul" or "MatMul" } && ix.SingleUse(i));
            if (k < 0)
            {
                return null;
            }
            mask = maskAdd.Inputs[1 - k];
            scoresIn = maskAdd.Inputs[k];
        }
        double scale = 1;
        var scaleNode = ix.Producer(scoresIn);
        string qk = scoresIn;
        if (scaleNode is { Domain: "", OpType: "Div" } && ix.Scalar(scaleNode.Inputs[1]) is double div && div != 0)
        {
            scale = 1 / div;
            qk = scaleNode.Inputs[0];
        }
        else if (scaleNode is { Domain: "", OpType: "Mul" } && scaleNode.Inputs.FirstOrDefault(i => ix.Scalar(i) is not null) is { } c)
        {
            scale = ix.Scalar(c)!.Value;
            qk = GraphIndex.Other(scaleNode, c)!;
        }
        else if (scaleNode is not { Domain: "", OpType: "MatMul" })
        {
            return null;
        }
        var qkMul = ix.Producer(qk, "MatMul");
        if (qkMul is null || (qk != scoresIn && !ix.SingleUse(qk)))
        {
            return null;
        }
        var q = Heads(qkMul.Inputs[0], ix);
        var k2 = KeysTransposed(qkMul.Inputs[1], ix);
        var v = Heads(pv.Inputs[1], ix);
        if (q is null || k2 is null || v is null || q.Heads != k2.Heads || q.Heads != v.Heads || q.HeadDim != k2.HeadDim || q.HeadDim != v.HeadDim)
        {
            return null;
        }
        long hd = q.Heads * q.HeadDim;
        if (!MergesHeads(root.Inputs[1], hd, ix))
        {
            return null;
        }
        if (q.Computed || k2.Computed || v.Computed)
        {
            if (!(q.Computed && k2.Computed && v.Computed))
            {
                return null;
            }
            string qkv = fresh(root.Outputs[0] + "_qkv");
            // One INT8 product over the concatenated weights when Q, K and V quantize the same input alike; else a Concat.
            var concat = Quantization.QuantizedProjections.Merge([q.X, k2.X, v.X], qkv, ix, fresh, inits);
            if (concat is null)
            {
                concat = new Node("Concat", [q.X, k2.X, v.X], [qkv], root.Name + "/qkv");
                concat.SetAttr(Attr.Of("axis", -1L));
            }
            return [concat, Rewrite.Fused("AttentionCore", [qkv, mask], [root.Outputs[0]], root.Name,
                Attr.Of("num_heads", q.Heads), Attr.Of("scale", (float)scale), Attr.Of("mask_kind", mask.Length > 0 ? "additive" : "none"))];
        }
        return [Rewrite.Fused("Attention",
            [q.X, q.W, q.Bias, k2.X, k2.W, k2.Bias, v.X, v.W, v.Bias, mask],
            [root.Outputs[0]], root.Name,
            Attr.Of("num_heads", q.Heads), Attr.Of("scale", (float)scale), Attr.Of("mask_kind", mask.Length > 0 ? "additive" : "none"))];
    }

    /// <summary>Transpose(Reshape(proj, [B, S, H, D]), [0, 2, 1, 3]).</summary>
    private static Projection? Heads(string v, GraphIndex ix)
    {
        var t = ix.Producer(v, "Transpose");
        return t is not null && Perm(t, ToHeads) && ix.SingleUse(v) ? Split(t.Inputs[0], ix) : null;
    }

    /// <summary>Kᵀ per head: Transpose(Reshape(proj), [0, 2, 3, 1]) or Transpose(heads(K), [0, 1, 3, 2]).</summary>
    private static Projection? KeysTransposed(string v, GraphIndex ix)
    {
        var t = ix.Producer(v, "Transpose");
        if (t is null || !ix.SingleUse(v))
        {
            return null;
        }
        if (Perm(t, [0, 2, 3, 1]))
        {
            return Split(t.Inputs[0], ix);
        }
        return Perm(t, [0, 1, 3, 2]) ? Heads(t.Inputs[0], ix) : null;
    }

    /// <summary>Reshape(x·W (+ b), [.., .., H, D]) with the heads read from the reshape's shape.</summary>
    private static Projection? Split(string v, GraphIndex ix)
    {
        var r = ix.Producer(v, "Reshape");
        if (r is null || r.Inputs.Count != 2 || !OnlyShapeReaders(v, ix) || ShapeTail(r.Inputs[1], 4, ix) is not { } tail || tail[0] is null || tail[1] is null)
        {
            return null;
        }
        string proj = r.Inputs[0];
        if (!OnlyShapeReaders(proj, ix))
        {
            return null;
        }
        string bias = "";
        var mm = ix.Producer(proj, "MatMul");
        if (mm is null && ix.Producer(proj, "Add") is { } add)
        {
            int k = add.Inputs.FindIndex(i => ix.Producer(i, "MatMul") is not null && ix.SingleUse(i));
            if (k < 0 || ix.Constant(add.Inputs[1 - k]) is not { Rank: 1 } b)
            {
                return null;
            }
            bias = add.Inputs[1 - k];
            mm = ix.Producer(add.Inputs[k], "MatMul");
        }
        if (mm is null && ix.Producer(proj, "DynamicQuantMatMul", Rewrite.FusedDomain) is { } dq && !EpilogueTargets.HasActivation(dq)
            && (dq.Inputs.Count <= 4 || dq.Inputs[4].Length == 0) && ix.Rank(dq.Inputs[0]) is -1 or 3 && ix.StaticShape(dq.Inputs[1]) is [_, int qw])
        {
            long h = tail[0]!.Value, hdim = tail[1]!.Value;
            h = h <= 0 && hdim > 0 ? qw / hdim : h;
            hdim = hdim <= 0 && h > 0 ? qw / h : hdim;
            return h > 0 && hdim > 0 && h * hdim == qw ? new Projection(proj, "", "", h, hdim, Computed: true) : null;
        }
        if (mm is null || (ix.Constant(mm.Inputs[1]) is { } w ? w.Rank != 2 : ix.Rank(mm.Inputs[1]) != 2))
        {
            return null;
        }
        int xr = ix.Rank(mm.Inputs[0]);
        if (xr is not (-1 or 3))
        {
            return null;
        }
        long heads = tail[0]!.Value, dim = tail[1]!.Value;
        long width = ix.StaticShape(mm.Inputs[1]) is { } ws ? ws[1] : -1;
        if (heads <= 0 && dim > 0 && width > 0)
        {
            heads = width / dim;
        }
        if (dim <= 0 && heads > 0 && width > 0)
        {
            dim = width / heads;
        }
        if (heads <= 0 || dim <= 0 || (width > 0 && heads * dim != width) || (bias.Length > 0 && ix.Constant(bias)!.Length != heads * dim))
        {
            return null;
        }
        return new Projection(mm.Inputs[0], mm.Inputs[1], bias, heads, dim);
    }

    /// <summary>The final Reshape's shape is [.., .., H·D] (or -1 last).</summary>
    private static bool MergesHeads(string shape, long hd, GraphIndex ix) =>
        ShapeTail(shape, 3, ix) is { } t && (t[1] == hd || t[1] == -1);

    /// <summary>
    /// The last two entries of a reshape target of the given length (null where dynamic): a constant, or a Concat of
    /// constants and one-element dynamic pieces (the exporter's batch/sequence arithmetic).
    /// </summary>
    private static long?[]? ShapeTail(string shape, int length, GraphIndex ix)
    {
        if (ix.Constant(shape) is { } c)
        {
            var s = c.ToInt64s();
            return s.Length == length && s.Take(length - 2).All(d => d >= 0) ? [s[^2], s[^1]] : null;
        }
        if (ix.Producer(shape, "Concat") is not { } cat)
        {
            return null;
        }
        var parts = new List<long?>();
        foreach (var i in cat.Inputs)
        {
            if (ix.Constant(i) is { } t)
            {
                parts.AddRange(t.ToInt64s().Select(x => (long?)x));
            }
            else if (KeepsDim(i, parts.Count, ix))
            {
                parts.Add(null); // batch or sequence, read from the input's own shape
            }
            else
            {
                return null;
            }
        }
        return parts.Count == length && parts.Take(length - 2).All(p => p is null or >= 0) ? [parts[^2], parts[^1]] : null;
    }

    /// <summary>
    /// A dynamic piece at position <paramref name="at"/> is Unsqueeze(Gather(Shape(v), at)): the dim stays where it was
    /// (batch stays batch, sequence stays sequence). Anything else could regroup rows, which attention must not assume.
    /// </summary>
    private static bool KeepsDim(string piece, int at, GraphIndex ix)
    {
        string v = piece;
        if (ix.Producer(v, "Unsqueeze") is { } u)
        {
            v = u.Inputs[0];
        }
        return ix.Producer(v, "Gather") is { } g && g.GetInt("axis", 0) == 0 && ix.Scalar(g.Inputs[1]) == at
            && ix.Producer(g.Inputs[0], "Shape") is { } sh && sh.GetInt("start", 0) == 0 && at < 2;
    }

    private static bool Perm(Node t, long[] perm) => t.GetInts("perm") is { } p && p.SequenceEqual(perm);

    /// <summary>Every other reader of <paramref name="v"/> is a Shape op (the exporter's shape arithmetic, dead after fusion).</summary>
    private static bool OnlyShapeReaders(string v, GraphIndex ix) =>
        !ix.IsGraphOutput(v) && ix.Consumers(v).Count(c => !(c.OpType == "Shape" && c.Domain.Length == 0)) == 1;
}
