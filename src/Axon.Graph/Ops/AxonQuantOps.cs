using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// axon:DynamicQuantMatMul(A, W, w_scale, bias?, Z?, w_zero_point?) {per_tensor}: A [..., K] float, W [K, N] int8 or
/// uint8 (quantized at compile time, or taken from a pre-quantized model), w_scale [N] or [1] float; the output [..., N]
/// float, broadcast with Z.
/// </summary>
[Schema("DynamicQuantMatMul", Domain = "axon")]
internal sealed class AxonDynamicQuantMatMulOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var w = ctx.Shape(1);
        if (!a.HasRank || !w.HasRank || a.Rank < 1 || w.Rank != 2)
        {
            return ctx.One(DType.Float32, SymShape.UnknownRank);
        }
        var dims = a.Dims.Take(a.Rank - 1).Append(w[1]).ToArray();
        return ctx.One(DType.Float32, new SymShape(dims));
    }
}

/// <summary>axon:AttentionCore(qkv [B, S, 3·H·D], mask?): the output [B, S, H·D].</summary>
[Schema("AttentionCore", Domain = "axon")]
internal sealed class AxonAttentionCoreOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (!x.HasRank || x.Rank != 3 || !x[2].IsKnown)
        {
            return ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
        }
        return ctx.One(ctx.ElemType(0), new SymShape([x[0], x[1], Dim.Known(x[2].Value / 3)]));
    }
}

/// <summary>axon:WideningMatMul(A, W, bias?, Z?): A [..., K] float, W [K, N] bf16/fp16; the output [..., N] float.</summary>
[Schema("WideningMatMul", Domain = "axon")]
internal sealed class AxonWideningMatMulOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var w = ctx.Shape(1);
        if (!a.HasRank || !w.HasRank || a.Rank < 1 || w.Rank != 2)
        {
            return ctx.One(DType.Float32, SymShape.UnknownRank);
        }
        return ctx.One(DType.Float32, new SymShape(a.Dims.Take(a.Rank - 1).Append(w[1]).ToArray()));
    }
}

/// <summary>QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): 2-D operands give [M, N] of y_zp's type.</summary>
[Schema("QLinearMatMul")]
internal sealed class QLinearMatMulOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var b = ctx.Shape(3);
        var t = ctx.ElemType(7);
        if (!a.HasRank || !b.HasRank || a.Rank != 2 || b.Rank != 2)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        return ctx.One(t, new SymShape([a[0], b[1]]));
    }
}

/// <summary>axon:QLinearMatMul(a [..., K], a_scale, a_zp, b [K, N], b_scale, b_zp, y_scale, y_zp, bias?): [..., N] of y_zp's type.</summary>
[Schema("QLinearMatMul", Domain = "axon")]
internal sealed class AxonQLinearMatMulOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var a = ctx.Shape(0);
        var b = ctx.Shape(3);
        var t = ctx.ElemType(7);
        if (!a.HasRank || !b.HasRank || a.Rank < 1 || b.Rank != 2)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        return ctx.One(t, new SymShape(a.Dims.Take(a.Rank - 1).Append(b[1]).ToArray()));
    }
}
