using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Shape: int64 [rank] (start/end from opset 15); its value is the input's dims, symbols included.</summary>
[Schema("Shape")]
internal sealed class Shape : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["start"] = AttrKind.Int, ["end"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (!x.HasRank)
        {
            return ctx.One(DType.Int64, [Dim.Unknown]);
        }
        int rank = x.Rank;
        long start = ctx.Int("start", 0), end = ctx.Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        var dims = x.Dims.Skip((int)start).Take((int)Math.Max(0, end - start)).ToArray();
        ctx.SetDims(0, dims);
        if (dims.All(d => d.IsKnown))
        {
            ctx.SetConst(0, Tensor.FromArray(dims.Select(d => d.Value).ToArray()));
        }
        return ctx.One(DType.Int64, [Dim.Known(dims.Length)]);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, CostContext.Bytes(ctx.Output(0)));
}
