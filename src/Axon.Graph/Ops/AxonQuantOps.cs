using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// axon:DynamicQuantMatMul(A, W, w_scale, bias?, Z?): A [..., K] float, W [K, N] int8 (quantized at compile time per
/// output column), w_scale [N] float; the output [..., N] float, broadcast with Z.
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
