using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// The shared shape of the precision passes that re-encode constant matrix-product weights: every MatMul, Gemm,
/// axon:FusedMatMul and axon:FusedGemm whose weight is a constant 2-D FP32 tensor becomes <see cref="OpType"/>(A,
/// encoded weight inputs..., bias?, Z?) with the same epilogue attributes. Gemm's transB is resolved by transposing the
/// weight and alpha folds into it; a [N] bias C (beta 1) becomes the bias input. A fused self-attention (axon:Attention
/// whose Q/K/V projections read one input) becomes one product over the concatenated [E, 3·H·D] weights feeding
/// axon:AttentionCore. Nodes named in <see cref="CompileOptions.PrecisionExclude"/> (node or output name) are kept, and
/// so are products with K below <see cref="MinK"/> (too small to gain).
/// </summary>
public abstract class MatMulWeightPass : PassBase
{
    public const int MinK = 16;

    /// <summary>The op (domain axon) the rewritten products become.</summary>
    protected abstract string OpType { get; }

    /// <summary>Encodes the row-major K×N weight (alpha already folded in) as new initializers; returns their names in input order.</summary>
    internal abstract string[] Encode(float[] w, int k, int n, string stem, Func<string, string> fresh, Dictionary<string, Tensor> inits);

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var exclude = new HashSet<string>(context.Options.PrecisionExclude, StringComparer.Ordinal);
        var replace = new Dictionary<Node, Node[]>();
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        string Fresh(string stem) => Rewrite.FreshName(graph, stem, taken);
        Prepare(context);
        foreach (var node in graph.Nodes)
        {
            if (exclude.Contains(node.Name) || node.Outputs.Any(exclude.Contains))
            {
                continue;
            }
            context.CurrentNode = node;
            if (SelfAttention.Rewrite(node, index, this, Fresh, inits) is { } attention)
            {
                replace[node] = attention;
                context.Count(Name, "Attention");
                continue;
            }
            if (Match(node, index) is not { } m)
            {
                continue;
            }
            var w = Weight(m);
            var encoded = Encode(w, m.K, m.N, node.Inputs[1], Fresh, inits);
            var fused = Rewrite.Fused(OpType, [node.Inputs[0], .. encoded, m.Bias, m.Residual], node.Outputs, node.Name);
            foreach (var a in node.Attributes.Values.Where(a => a.Name.StartsWith("activation", StringComparison.Ordinal)))
            {
                fused.SetAttr(a);
            }
            replace[node] = [fused];
            context.Count(Name, node.OpType);
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Apply(graph, replace, inits);
    }

    /// <summary>Called once per run before any node (seeds, options).</summary>
    protected virtual void Prepare(PassContext context)
    {
    }

    /// <summary>Builds the product node that replaces a projection (used by the self-attention rewrite).</summary>
    internal Node Product(string input, string[] encoded, string bias, string output, string name) =>
        Rewrite.Fused(OpType, [input, .. encoded, bias], [output], name);

    private static float[] Weight(Target m)
    {
        var src = m.Weight.ReadOnlySpan<float>();
        var w = new float[m.K * m.N];
        for (int p = 0; p < m.K; p++)
        {
            for (int j = 0; j < m.N; j++)
            {
                w[p * m.N + j] = m.Alpha * (m.TransB ? src[j * m.K + p] : src[p * m.N + j]);
            }
        }
        return w;
    }

    /// <summary>A copy of the graph with each replaced node swapped for its (one or more) new nodes, in order.</summary>
    internal static Axon.Graph.Graph Apply(Axon.Graph.Graph g, Dictionary<Node, Node[]> replace, Dictionary<string, Tensor> inits)
    {
        var r = g.Clone();
        r.Nodes.Clear();
        foreach (var n in g.Nodes)
        {
            r.Nodes.AddRange(replace.TryGetValue(n, out var m) ? m : [n]);
        }
        foreach (var kv in inits)
        {
            r.Initializers[kv.Key] = kv.Value;
        }
        return r;
    }

    internal sealed record Target(Tensor Weight, int K, int N, bool TransB, float Alpha, string Bias, string Residual);

    internal static Target? Match(Node n, GraphIndex ix)
    {
        bool fused = n.Domain == Rewrite.FusedDomain;
        if (!(n.Domain.Length == 0 && n.OpType is "MatMul" or "Gemm") && !(fused && n.OpType is "FusedMatMul" or "FusedGemm"))
        {
            return null;
        }
        if (n.Inputs.Count < 2 || n.Outputs.Count != 1 || ix.Constant(n.Inputs[1]) is not { Rank: 2, DType: DType.Float32 } w
            || ix.ElemType(n.Inputs[0]) is not DType.Float32)
        {
            return null;
        }
        string In(int i) => i < n.Inputs.Count ? n.Inputs[i] : "";
        bool gemm = n.OpType.EndsWith("Gemm", StringComparison.Ordinal);
        if (!gemm)
        {
            int k0 = w.Shape[0], n0 = w.Shape[1];
            if (k0 < MinK || ix.Rank(n.Inputs[0]) < 1)
            {
                return null;
            }
            if (In(2).Length > 0 && (ix.StaticShape(In(2)) is not [int bn] || bn != n0))
            {
                return null;
            }
            return new Target(w, k0, n0, false, 1f, In(2), In(3));
        }
        if (n.GetInt("transA", 0) != 0 || ix.Rank(n.Inputs[0]) != 2)
        {
            return null;
        }
        bool tb = n.GetInt("transB", 0) != 0;
        int k = tb ? w.Shape[1] : w.Shape[0], nn = tb ? w.Shape[0] : w.Shape[1];
        float alpha = n.GetFloat("alpha", 1f), beta = n.GetFloat("beta", 1f);
        string bias = In(2);
        // The bias must be a [N] vector with beta 1; other C forms stay as they are.
        if (k < MinK || bias.Length > 0 && (beta != 1f || ix.StaticShape(bias) is not [int bl] || bl != nn))
        {
            return null;
        }
        return new Target(w, k, nn, tb, alpha, bias, In(3));
    }
}
