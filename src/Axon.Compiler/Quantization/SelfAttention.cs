using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Dynamic quantization of a fused self-attention: axon:Attention whose Q, K and V projections read the same input with
/// constant weights becomes one product of the pass's kind over the concatenated weights [E, 3·H·D] (for INT8: one
/// activation quantization, one wide GEMM; biases in its epilogue) feeding axon:AttentionCore with the same heads, scale and mask.
/// </summary>
internal static class SelfAttention
{
    public static Node[]? Rewrite(Node n, GraphIndex ix, MatMulWeightPass pass, Func<string, string> fresh, Dictionary<string, Tensor> inits)
    {
        if (n.Domain != Passes.Rewrite.FusedDomain || n.OpType != "Attention" || n.Inputs.Count < 9 || n.Outputs.Count != 1)
        {
            return null;
        }
        string x = n.Inputs[0];
        if (n.Inputs[3] != x || n.Inputs[6] != x || ix.ElemType(x) is not DType.Float32)
        {
            return null;
        }
        var w = new Tensor[3];
        for (int p = 0; p < 3; p++)
        {
            if (ix.Constant(n.Inputs[1 + 3 * p]) is not { Rank: 2, DType: DType.Float32 } t)
            {
                return null;
            }
            w[p] = t;
        }
        int e = w[0].Shape[0], hd = w[0].Shape[1];
        if (e < MatMulWeightPass.MinK || w.Any(t => t.Shape[0] != e || t.Shape[1] != hd))
        {
            return null;
        }
        var bias = new float[3 * hd];
        bool anyBias = false;
        for (int p = 0; p < 3; p++)
        {
            string b = n.Inputs[2 + 3 * p];
            if (b.Length == 0)
            {
                continue;
            }
            if (ix.Constant(b) is not { DType: DType.Float32 } bt || bt.Length != hd)
            {
                return null;
            }
            bt.ReadOnlySpan<float>().CopyTo(bias.AsSpan(p * hd, hd));
            anyBias = true;
        }
        var cat = new float[e * 3 * hd];
        for (int p = 0; p < 3; p++)
        {
            var src = w[p].ReadOnlySpan<float>();
            for (int r = 0; r < e; r++)
            {
                src.Slice(r * hd, hd).CopyTo(cat.AsSpan(r * 3 * hd + p * hd, hd));
            }
        }
        string stem = n.Outputs[0];
        var encoded = pass.Encode(cat, e, 3 * hd, stem + "_qkv", fresh, inits);
        string bName = anyBias ? fresh(stem + "_qkv_bias") : "";
        string qkv = fresh(stem + "_qkv");
        if (anyBias)
        {
            inits[bName] = Tensor.FromArray(bias, 3 * hd);
        }
        var dq = pass.Product(x, encoded, bName, qkv, n.Name + "/qkv");
        var core = Passes.Rewrite.Fused("AttentionCore", [qkv, n.Inputs.Count > 9 ? n.Inputs[9] : ""], n.Outputs, n.Name);
        foreach (var a in n.Attributes.Values)
        {
            core.SetAttr(a);
        }
        return [dq, core];
    }
}
