using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Per-row dynamic quantization written in standard ONNX operators (<see cref="OnnxPerRowForm"/>, what
/// <c>axon quantize --dynamic --emit-onnx M.onnx --per-row</c> writes) back onto Axon's INT8 kernel: each
/// <code>
/// y = Mul(Cast&lt;float&gt;(Sub(MatMulInteger(x_q, W), Mul(zp_i, colsum))), Mul(scale, w_scale))
/// </code>
/// whose x_q, scale and zp_i are exactly the row quantization of a float x (row minimum and maximum widened to 0,
/// scale (hi - lo)/255 with 1 for an empty range, zero point and x_q rounded half to even and clipped to [0, 255]), W a
/// constant int8 [K, N] and colsum its true column sums, becomes axon:DynamicQuantMatMul(x, W, w_scale, bias?, Z?)
/// (per row), with what follows absorbed into its epilogue (<see cref="DynamicEpilogue"/>). Commutative operands match in
/// either order. Anything else (another constant, a wrong column sum, a different guard) is left as it is and runs
/// op by op, still correct. The row quantization, shared by Q, K and V, is left for dead-code elimination.
/// </summary>
public sealed class FusePerRowMatMulInteger : PassBase
{
    public override string Name => "fuse-per-row-matmulinteger";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var ix = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        var rows = new Dictionary<string, RowQuant?>(StringComparer.Ordinal);
        foreach (var mm in graph.Nodes)
        {
            if (mm.Domain.Length != 0 || mm.OpType != "MatMulInteger" || replace.ContainsKey(mm) || mm.Inputs.Count < 2
                || mm.Inputs.Skip(2).Any(i => i.Length > 0) || mm.Outputs.Count != 1)
            {
                continue;
            }
            if (!rows.TryGetValue(mm.Inputs[0], out var row))
            {
                rows[mm.Inputs[0]] = row = MatchRow(mm.Inputs[0], ix);
            }
            if (row is null || MatchProduct(mm, row, ix) is not { } p)
            {
                continue;
            }
            context.CurrentNode = mm;
            DynamicEpilogue.Fuse(graph, ix, context, replace, [mm, p.Sub, p.Cast, p.Mul], row.X, mm.Inputs[1], p.WScale, "", p.N, perTensor: false, mm.Name);
            context.Count(Name, "MatMulInteger");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    private sealed record RowQuant(string X, string Scale, string Zero);

    private sealed record Product(Node Sub, Node Cast, Node Mul, string WScale, int N);

    /// <summary>x_q = Cast&lt;uint8&gt;(Clip(Add(Round(Mul(x, Div(1, scale))), zp), 0, 255)) with scale and zp the row parameters of x.</summary>
    private static RowQuant? MatchRow(string q, GraphIndex ix)
    {
        if (ix.Producer(q, "Cast") is not { } cast || cast.GetInt("to", 0) != (long)DType.UInt8
            || Clip255(ix.Producer(cast.Inputs[0], "Clip"), ix) is not { } clip || ix.Producer(clip.Inputs[0], "Add") is not { Inputs.Count: 2 } add)
        {
            return null;
        }
        foreach (var (r, zp) in Orders(add))
        {
            if (ix.Producer(r, "Round") is not { } round || ix.Producer(round.Inputs[0], "Mul") is not { Inputs.Count: 2 } mul)
            {
                continue;
            }
            foreach (var (x, inv) in Orders(mul))
            {
                if (ix.Producer(inv, "Div") is { Inputs.Count: 2 } div && ix.IsScalar(div.Inputs[0], 1, 0) && ix.ElemType(x) == DType.Float32
                    && ix.Rank(x) >= 1 && MatchParams(x, div.Inputs[1], zp, ix))
                {
                    return new RowQuant(x, div.Inputs[1], zp);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// scale = Where(Greater(s, 0), s, 1), s = Div(Sub(hi, lo), 255), hi = Max(ReduceMax(x), 0), lo = Min(ReduceMin(x), 0)
    /// over the last axis, and zp = Clip(Round(Div(Neg(lo), scale)), 0, 255).
    /// </summary>
    private static bool MatchParams(string x, string scale, string zp, GraphIndex ix)
    {
        if (ix.Producer(scale, "Where") is not { Inputs.Count: 3 } where || !ix.IsScalar(where.Inputs[2], 1, 0)
            || ix.Producer(where.Inputs[0], "Greater") is not { Inputs.Count: 2 } gt || gt.Inputs[0] != where.Inputs[1] || !ix.IsScalar(gt.Inputs[1], 0, 0)
            || ix.Producer(where.Inputs[1], "Div") is not { Inputs.Count: 2 } div || !ix.IsScalar(div.Inputs[1], 255, 0)
            || ix.Producer(div.Inputs[0], "Sub") is not { Inputs.Count: 2 } range
            || !Bound(range.Inputs[0], "Max", "ReduceMax", x, ix) || !Bound(range.Inputs[1], "Min", "ReduceMin", x, ix))
        {
            return false;
        }
        string lo = range.Inputs[1];
        return Clip255(ix.Producer(zp, "Clip"), ix) is { } zc && ix.Producer(zc.Inputs[0], "Round") is { } zr
            && ix.Producer(zr.Inputs[0], "Div") is { Inputs.Count: 2 } zd && zd.Inputs[1] == scale
            && ix.Producer(zd.Inputs[0], "Neg") is { } neg && neg.Inputs[0] == lo;
    }

    /// <summary>v = bound(reduce(x over the last axis, keepdims), 0) in either operand order.</summary>
    private static bool Bound(string v, string bound, string reduce, string x, GraphIndex ix)
    {
        if (ix.Producer(v, bound) is not { Inputs.Count: 2 } b)
        {
            return false;
        }
        foreach (var (r, zero) in Orders(b))
        {
            if (ix.IsScalar(zero, 0, 0) && ix.Producer(r, reduce) is { } red && red.Inputs[0] == x && red.GetInt("keepdims", 1) == 1)
            {
                long[]? axes = red.Inputs.Count > 1 && red.Inputs[1].Length > 0 ? ix.Constant(red.Inputs[1])?.ToInt64s() : red.GetInts("axes");
                int rank = ix.Rank(x);
                if (axes is [var a] && (a == -1 || rank > 0 && a == rank - 1))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Sub(y_i, Mul(zp_i, colsum)) → Cast&lt;float&gt; → Mul(·, Mul(scale, w_scale)), colsum the true column sums of W.</summary>
    private static Product? MatchProduct(Node mm, RowQuant row, GraphIndex ix)
    {
        string yi = mm.Outputs[0];
        if (ix.Constant(mm.Inputs[1]) is not { Rank: 2, DType: DType.Int8 } w
            || !ix.SingleUse(yi) || ix.Consumers(yi)[0] is not { OpType: "Sub", Domain: "", Inputs.Count: 2 } sub || sub.Inputs[0] != yi
            || ix.Producer(sub.Inputs[1], "Mul") is not { Inputs.Count: 2 } corr
            || !ix.SingleUse(sub.Outputs[0]) || ix.Consumers(sub.Outputs[0])[0] is not { OpType: "Cast", Domain: "" } cast || cast.GetInt("to", 0) != (long)DType.Float32
            || !ix.SingleUse(cast.Outputs[0]) || ix.Consumers(cast.Outputs[0])[0] is not { OpType: "Mul", Domain: "", Inputs.Count: 2 } mul
            || GraphIndex.Other(mul, cast.Outputs[0]) is not { } sv || ix.Producer(sv, "Mul") is not { Inputs.Count: 2 } smul)
        {
            return null;
        }
        int k = w.Shape[0], n = w.Shape[1];
        if (!Orders(corr).Any(o => ix.Producer(o.A, "Cast") is { } zc && zc.GetInt("to", 0) == (long)DType.Int32 && zc.Inputs[0] == row.Zero
            && ix.Constant(o.B) is { DType: DType.Int32, Rank: 1 } cs && cs.Length == n && WeightQuantizer.ColumnSums(w.ReadOnlySpan<sbyte>(), k, n).AsSpan().SequenceEqual(cs.ReadOnlySpan<int>())))
        {
            return null;
        }
        foreach (var (scale, ws) in Orders(smul))
        {
            if (scale == row.Scale && ix.Constant(ws) is { DType: DType.Float32 } wst && (wst.Length == 1 && wst.Rank <= 1 || wst.Rank == 1 && wst.Length == n))
            {
                return new Product(sub, cast, mul, ws, n);
            }
        }
        return null;
    }

    private static Node? Clip255(Node? clip, GraphIndex ix) =>
        clip is { Inputs.Count: 3 } && ix.IsScalar(clip.Inputs[1], 0, 0) && ix.IsScalar(clip.Inputs[2], 255, 0) ? clip : null;

    private static IEnumerable<(string A, string B)> Orders(Node binary) =>
        [(binary.Inputs[0], binary.Inputs[1]), (binary.Inputs[1], binary.Inputs[0])];
}
