using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// ONNX Runtime's dynamic quantization (<c>quantize_dynamic</c>, QOperator form) on the INT8 kernel: for each
/// <code>
/// x_q, x_s, x_zp = DynamicQuantizeLinear(x)
/// y_i = MatMulInteger(x_q, W, x_zp, W_zp?)      W a constant [K, N] int8/uint8
/// y   = Mul(Cast(y_i, float), Mul(x_s, w_s))    w_s a constant [1] or [N], operands in either order
/// </code>
/// the product becomes axon:DynamicQuantMatMul(x, W, w_s, bias?, Z?, W_zp?) {per_tensor=1}: the same arithmetic in one
/// kernel (one quantization of x over the whole tensor, exactly DynamicQuantizeLinear's; the exact int32 product; the
/// dequantization in the GEMM's epilogue). What follows the Mul is absorbed into that epilogue (<see cref="DynamicEpilogue"/>).
/// The DynamicQuantizeLinear and scale Mul are left for dead-code elimination (Q/K/V projections share one).
/// </summary>
public sealed class FuseDynamicMatMulInteger : PassBase
{
    public override string Name => "fuse-dynamic-matmulinteger";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var ix = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var mm in graph.Nodes)
        {
            if (mm.Domain.Length != 0 || mm.OpType != "MatMulInteger" || replace.ContainsKey(mm) || Match(mm, ix) is not { } m)
            {
                continue;
            }
            context.CurrentNode = mm;
            DynamicEpilogue.Fuse(graph, ix, context, replace, [mm, m.Cast, m.Mul], m.X, m.W, m.WScale, m.WZero, m.N, perTensor: true, mm.Name);
            context.Count(Name, "MatMulInteger");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    private sealed record Pattern(string X, string W, string WZero, string WScale, int N, Node Cast, Node Mul);

    private static Pattern? Match(Node mm, GraphIndex ix)
    {
        if (mm.Inputs.Count < 3 || mm.Outputs.Count != 1 || ix.Producer(mm.Inputs[0], "DynamicQuantizeLinear") is not { } dql
            || dql.Outputs.Count < 3 || mm.Inputs[2] != dql.Outputs[2] || dql.Outputs[0] != mm.Inputs[0]
            || ix.Constant(mm.Inputs[1]) is not { Rank: 2, DType: DType.Int8 or DType.UInt8 } w || ix.Rank(dql.Inputs[0]) < 2
            || ix.ElemType(dql.Inputs[0]) is not DType.Float32)
        {
            return null;
        }
        int n = w.Shape[1];
        string wz = mm.Inputs.Count > 3 ? mm.Inputs[3] : "";
        if (wz.Length > 0 && (ix.Constant(wz) is not { } z || z.DType != w.DType || z.Length != 1 && (z.Rank != 1 || z.Length != n)))
        {
            return null;
        }
        string yi = mm.Outputs[0];
        if (!ix.SingleUse(yi) || ix.Consumers(yi)[0] is not { OpType: "Cast", Domain: "" } cast || cast.GetInt("to", 0) != (long)DType.Float32
            || !ix.SingleUse(cast.Outputs[0]) || ix.Consumers(cast.Outputs[0])[0] is not { OpType: "Mul", Domain: "" } mul
            || GraphIndex.Other(mul, cast.Outputs[0]) is not { } sv || ix.Producer(sv, "Mul") is not { } smul)
        {
            return null;
        }
        // The scale product: x_s times a constant [1]/[N] weight scale.
        string xs = dql.Outputs[1];
        if (GraphIndex.Other(smul, xs) is not { } ws || ix.Constant(ws) is not { DType: DType.Float32 } wst
            || !(wst.Length == 1 && wst.Rank <= 1 || wst.Rank == 1 && wst.Length == n))
        {
            return null;
        }
        return new Pattern(dql.Inputs[0], mm.Inputs[1], wz, ws, n, cast, mul);
    }
}
