namespace Axon.Graph.Ops;

/// <summary>Unsqueeze: inserts size-1 axes at the listed output positions (attribute before opset 13, input from 13).</summary>
[Schema("Unsqueeze")]
internal sealed class Unsqueeze : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axes"] = AttrKind.Ints };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        long[]? axes = ctx.Opset < 13 ? ctx.Ints("axes") : ctx.ConstInts(1);
        if (axes is null || !x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        int rank = x.Rank + axes.Length;
        var insert = new HashSet<int>();
        foreach (long a in axes)
        {
            if (ctx.Axis(a, rank) is not int ax || !insert.Add(ax))
            {
                return ctx.Fail($"axes [{string.Join(",", axes)}] are invalid for output rank {rank}");
            }
        }
        var dims = new List<Dim>();
        int src = 0;
        for (int i = 0; i < rank; i++)
        {
            dims.Add(insert.Contains(i) ? Dim.Known(1) : x[src++]);
        }
        if (ctx.DimsValue(0) is { Length: 1 } v && x.Rank <= 1 && rank == 1)
        {
            ctx.SetDims(0, v);
        }
        return ctx.One(t, dims);
    }

    public OpCost Cost(CostContext ctx) => new(Analysis.SymExpr.Zero, Analysis.SymExpr.Zero, Analysis.SymExpr.Zero);
}
