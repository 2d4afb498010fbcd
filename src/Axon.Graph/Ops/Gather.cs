using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Gather: data[:axis] + indices.shape + data[axis+1:]; gathering from a shape value picks its dims.</summary>
[Schema("Gather")]
internal sealed class Gather : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var data = ctx.Shape(0);
        var idx = ctx.Shape(1);
        DType t = ctx.ElemType(0);
        if (!data.HasRank || !idx.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (data.Rank == 0 || ctx.Axis(ctx.Int("axis", 0), data.Rank) is not int axis)
        {
            return ctx.Fail("axis is out of range");
        }
        if (data.Rank == 1 && ctx.DimsValue(0) is { } v && ctx.ConstInts(1) is { } ii && ii.Length <= 1 << 10)
        {
            var picked = new Dim[ii.Length];
            for (int i = 0; i < ii.Length; i++)
            {
                long k = ii[i] < 0 ? ii[i] + v.Length : ii[i];
                if (k < 0 || k >= v.Length)
                {
                    return ctx.Fail($"index {ii[i]} is out of range for {v.Length} elements");
                }
                picked[i] = v[k];
            }
            ctx.SetDims(0, picked);
        }
        return ctx.One(t, data.Dims.Take(axis).Concat(idx.Dims).Concat(data.Dims.Skip(axis + 1)));
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, CostContext.Bytes(ctx.Output(0)) + CostContext.Bytes(ctx.Input(1)), CostContext.Bytes(ctx.Output(0)));
}
