using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Attention (opset 23): Q [B, qh, qs, hd], K [B, kvh, kvs, hd], V [B, kvh, kvs, vhd] (or 3-D [B, seq, heads*size] with
/// q_num_heads/kv_num_heads). Y is [B, qh, qs, vhd] (3-D: [B, qs, qh*vhd]); present_key/value append K/V to the past
/// along the sequence; qk_matmul_output is [B, qh, qs, total_kv].
/// </summary>
[Schema("Attention")]
internal sealed class Attention : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["is_causal"] = AttrKind.Int, ["kv_num_heads"] = AttrKind.Int, ["q_num_heads"] = AttrKind.Int,
        ["qk_matmul_output_mode"] = AttrKind.Int, ["scale"] = AttrKind.Float, ["softcap"] = AttrKind.Float,
        ["softmax_precision"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var q = ctx.Shape(0);
        var k = ctx.Shape(1);
        var v = ctx.Shape(2);
        DType t = ctx.ElemType(0);
        if (!q.HasRank || !k.HasRank || !v.HasRank || q.Rank != k.Rank || q.Rank != v.Rank || q.Rank is not (3 or 4))
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        Dim b = q[0], qh, qs, hd, kvh, kvs, vhd;
        if (q.Rank == 4)
        {
            (qh, qs, hd) = (q[1], q[2], q[3]);
            (kvh, kvs, vhd) = (k[1], k[2], v[3]);
        }
        else
        {
            qh = Dim.Known(ctx.Int("q_num_heads", 1));
            kvh = Dim.Known(ctx.Int("kv_num_heads", 1));
            qs = q[1];
            kvs = k[1];
            hd = SymExpr.Of(k[2]).DivideExact(SymExpr.Of(kvh)).ToDim();
            vhd = SymExpr.Of(v[2]).DivideExact(SymExpr.Of(kvh)).ToDim();
        }
        Dim total = kvs;
        if (ctx.HasInput(4) && ctx.Shape(4) is { HasRank: true, Rank: 4 } past)
        {
            total = ShapeMath.Add(past[2], kvs);
        }
        else if (ctx.HasInput(4))
        {
            total = Dim.Unknown;
        }
        var r = ctx.Unknowns();
        r[0] = q.Rank == 4
            ? TypeInfo.Tensor(t, new SymShape([b, qh, qs, vhd]))
            : TypeInfo.Tensor(t, new SymShape([b, qs, ShapeMath.Product([qh, vhd])]));
        if (r.Length > 1)
        {
            r[1] = TypeInfo.Tensor(ctx.ElemType(1), new SymShape([b, kvh, total, hd]));
        }
        if (r.Length > 2)
        {
            r[2] = TypeInfo.Tensor(ctx.ElemType(2), new SymShape([b, kvh, total, vhd]));
        }
        if (r.Length > 3)
        {
            r[3] = TypeInfo.Tensor(t, new SymShape([b, qh, qs, total]));
        }
        return r;
    }

    /// <summary>Two matmuls (QK^T and PV) plus the softmax over the score matrix.</summary>
    public OpCost Cost(CostContext ctx)
    {
        var q = ctx.InputShape(0);
        if (!q.HasRank || q.Rank != 4 || ctx.Output(0) is null)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        var y = ctx.OutputShape(0);
        var k = ctx.InputShape(1);
        if (!k.HasRank || k.Rank != 4 || !y.HasRank)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        var scores = SymExpr.Of(q[0]) * SymExpr.Of(q[1]) * SymExpr.Of(q[2]) * SymExpr.Of(k[2]);
        var flops = 2 * scores * SymExpr.Of(q[3]) + 2 * scores * SymExpr.Of(y[3]) + 5 * scores;
        return ctx.Memory(flops);
    }
}
