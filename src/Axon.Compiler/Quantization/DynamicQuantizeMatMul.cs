using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Dynamic INT8 quantization for MatMul-heavy models: every MatMul, Gemm, axon:FusedMatMul and axon:FusedGemm whose
/// weight is a constant 2-D FP32 tensor becomes axon:DynamicQuantMatMul(A, W_q, w_scale, bias?, Z?) with the same
/// epilogue attributes. Weights are quantized here, once, per output column (<see cref="WeightQuantizer"/>); activations
/// are quantized per row when the model runs. Gemm's transB is resolved by transposing the weight, alpha folds into the
/// scales, and a [N] bias C (beta 1) becomes the bias input. Nodes named in <see cref="CompileOptions.PrecisionExclude"/>
/// (by node name or output name) stay FP32; so do products with K below <see cref="MinK"/> (too small to gain).
/// </summary>
public sealed class DynamicQuantizeMatMul : PassBase
{
    public const int MinK = 16;

    public override string Name => "quantize-dynamic-matmul";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var exclude = new HashSet<string>(context.Options.PrecisionExclude, StringComparer.Ordinal);
        var replace = new Dictionary<Node, Node[]>();
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (exclude.Contains(node.Name) || node.Outputs.Any(exclude.Contains))
            {
                continue;
            }
            context.CurrentNode = node;
            if (SelfAttention.Rewrite(node, index, graph, taken, inits) is { } attention)
            {
                replace[node] = attention;
                context.Count(Name, "Attention");
                continue;
            }
            if (Match(node, index) is not { } m)
            {
                continue;
            }
            var (q, scale) = WeightQuantizer.PerColumn(m.Weight.ReadOnlySpan<float>(), m.K, m.N, m.TransB, m.Alpha);
            string stem = node.Inputs[1];
            string qName = Rewrite.FreshName(graph, stem + "_int8", taken);
            string sName = Rewrite.FreshName(graph, stem + "_scale", taken);
            inits[qName] = Tensor.FromArray(q, m.K, m.N);
            inits[sName] = Tensor.FromArray(scale, m.N);
            var dq = Rewrite.Fused("DynamicQuantMatMul", [node.Inputs[0], qName, sName, m.Bias, m.Residual], node.Outputs, node.Name);
            foreach (var a in node.Attributes.Values.Where(a => a.Name.StartsWith("activation", StringComparison.Ordinal)))
            {
                dq.SetAttr(a);
            }
            replace[node] = [dq];
            context.Count(Name, node.OpType);
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Apply(graph, replace, inits);
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

    private sealed record Target(Tensor Weight, int K, int N, bool TransB, float Alpha, string Bias, string Residual);

    private static Target? Match(Node n, GraphIndex ix)
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
            if (In(2).Length > 0 && ix.StaticShape(In(2)) is not [int bn] || In(2).Length > 0 && ix.StaticShape(In(2))![0] != n0)
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
        // The bias must be a [N] (or [1, N]) vector with beta 1; other C forms stay FP32.
        if (k < MinK || bias.Length > 0 && (beta != 1f || ix.StaticShape(bias) is not { } bs || bs[^1] != nn || bs.Length > 2 || bs.Length == 2 && bs[0] != 1))
        {
            return null;
        }
        return new Target(w, k, nn, tb, alpha, bias, In(3));
    }
}
