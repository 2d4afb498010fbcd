using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Concat: equal ranks, dims equal except along axis, which sums (symbolically); 1-D shape values concatenate.</summary>
[Schema("Concat")]
internal sealed class Concat : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var shapes = Enumerable.Range(0, ctx.InputCount).Where(ctx.HasInput).Select(ctx.Shape).ToList();
        DType t = Enumerable.Range(0, ctx.InputCount).Select(ctx.ElemType).FirstOrDefault(d => d != DType.Undefined);
        var ranked = shapes.Where(s => s.HasRank).ToList();
        if (ranked.Count == 0)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        int rank = ranked[0].Rank;
        if (ranked.Any(s => s.Rank != rank))
        {
            return ctx.Fail($"inputs have different ranks: {string.Join(", ", ranked)}");
        }
        if (rank == 0 || ctx.Axis(ctx.Int("axis", 0), rank) is not int axis)
        {
            return ctx.Fail("axis is out of range");
        }
        var dims = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            if (i == axis)
            {
                dims[i] = shapes.All(s => s.HasRank) ? SymExpr.Sum(shapes.Select(s => SymExpr.Of(s[i]))).ToDim() : Dim.Unknown;
                continue;
            }
            Dim d = Dim.Unknown;
            foreach (var s in ranked)
            {
                if (s[i].IsKnown && d.IsKnown && s[i].Value != d.Value)
                {
                    return ctx.Fail($"dim {i} differs between inputs: {d} and {s[i]}");
                }
                if (s[i].IsKnown || (!d.IsKnown && s[i].IsSymbolic))
                {
                    d = s[i];
                }
            }
            dims[i] = d;
        }
        PropagateDims(ctx, rank);
        return ctx.One(t, dims);
    }

    private static void PropagateDims(InferContext ctx, int rank)
    {
        if (rank != 1)
        {
            return;
        }
        var all = new List<Dim>();
        for (int i = 0; i < ctx.InputCount; i++)
        {
            if (!ctx.HasInput(i))
            {
                continue;
            }
            if (ctx.DimsValue(i) is not { } d)
            {
                return;
            }
            all.AddRange(d);
        }
        ctx.SetDims(0, all.ToArray());
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);
}
