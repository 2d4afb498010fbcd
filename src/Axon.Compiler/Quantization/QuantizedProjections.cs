using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Merges the Q, K and V products of one self-attention, each an axon:DynamicQuantMatMul of the same input with the same
/// activation quantization (the per-tensor form quantizes the same tensor identically), into one product over the
/// concatenated weights [K, Nq + Nk + Nv]: weight scales and zero points per column, biases concatenated. The result is
/// exactly the concatenation of the three outputs — the [B, S, 3·H·D] operand of axon:AttentionCore — from one
/// quantization of the input and one GEMM, with no copy.
/// </summary>
internal static class QuantizedProjections
{
    public static Node? Merge(IReadOnlyList<string> outputs, string qkv, GraphIndex ix, Func<string, string> fresh, Dictionary<string, Tensor> inits)
    {
        var nodes = outputs.Select(o => ix.Producer(o, "DynamicQuantMatMul", Rewrite.FusedDomain)).ToArray();
        if (nodes.Any(n => n is null) || nodes.Distinct().Count() != nodes.Length)
        {
            return null;
        }
        var first = nodes[0]!;
        string x = first.Inputs[0];
        long perTensor = first.GetInt("per_tensor", 0);
        var ws = new List<Tensor>();
        int k = -1;
        DType wt = DType.Undefined;
        foreach (var n in nodes)
        {
            if (n!.Inputs[0] != x || n.GetInt("per_tensor", 0) != perTensor || n.HasAttr("activation") || In(n, 4).Length > 0
                || ix.Constant(n.Inputs[1]) is not { Rank: 2 } w || k >= 0 && (w.Shape[0] != k || w.DType != wt)
                || ix.Constant(n.Inputs[2]) is not { DType: DType.Float32 } s || s.Length != 1 && s.Length != w.Shape[1]
                || In(n, 3).Length > 0 && ix.Constant(In(n, 3)) is not { DType: DType.Float32 }
                || In(n, 5).Length > 0 && ix.Constant(In(n, 5)) is null)
            {
                return null;
            }
            k = w.Shape[0];
            wt = w.DType;
            ws.Add(w);
        }
        int total = ws.Sum(w => w.Shape[1]);
        var wcat = new byte[k * total];
        var scale = new float[total];
        var zero = new long[total];
        var bias = new float[total];
        bool anyZero = false, anyBias = false;
        int col = 0;
        for (int i = 0; i < nodes.Length; i++)
        {
            var n = nodes[i]!;
            int cols = ws[i].Shape[1];
            var src = ws[i].Bytes;
            for (int p = 0; p < k; p++)
            {
                src.Slice(p * cols, cols).CopyTo(wcat.AsSpan(p * total + col, cols));
            }
            var s = ix.Constant(n.Inputs[2])!.ToArray<float>();
            var z = In(n, 5).Length > 0 ? ix.Constant(In(n, 5))!.ToInt64s() : null;
            var b = In(n, 3).Length > 0 ? ix.Constant(In(n, 3))!.ToArray<float>() : null;
            if (b is not null && b.Length != cols || z is not null && z.Length != 1 && z.Length != cols)
            {
                return null;
            }
            for (int j = 0; j < cols; j++)
            {
                scale[col + j] = s[s.Length == 1 ? 0 : j];
                zero[col + j] = z?[z.Length == 1 ? 0 : j] ?? 0;
                bias[col + j] = b?[j] ?? 0;
            }
            anyZero |= z is not null;
            anyBias |= b is not null;
            col += cols;
        }
        string wName = fresh(qkv + "_w"), sName = fresh(qkv + "_w_scale"), bName = anyBias ? fresh(qkv + "_bias") : "", zName = anyZero ? fresh(qkv + "_w_zero") : "";
        inits[wName] = Tensor.FromBytes(wt, wcat, k, total);
        inits[sName] = Tensor.FromArray(scale, total);
        if (anyBias)
        {
            inits[bName] = Tensor.FromArray(bias, total);
        }
        if (anyZero)
        {
            inits[zName] = Tensor.FromInt64s(wt, zero, total);
        }
        return Rewrite.Fused("DynamicQuantMatMul", [x, wName, sName, bName, "", zName], [qkv], first.Name + "/qkv", Attr.Of("per_tensor", perTensor));
    }

    private static string In(Node n, int i) => i < n.Inputs.Count ? n.Inputs[i] : "";
}
