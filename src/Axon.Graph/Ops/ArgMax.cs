using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>ArgMax (and ArgMin): int64 indices, the axis kept as 1 unless keepdims = 0.</summary>
[Schema("ArgMax")]
[Schema("ArgMin")]
internal sealed class ArgMax : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["keepdims"] = AttrKind.Int, ["select_last_index"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        if (!x.HasRank)
        {
            return ctx.One(DType.Int64, SymShape.UnknownRank);
        }
        if (ctx.Axis(ctx.Int("axis", 0), x.Rank) is not int axis)
        {
            return ctx.Unknowns();
        }
        return ctx.One(DType.Int64, ReduceSchema.Reduced(x, [axis], ctx.Int("keepdims", 1) != 0));
    }

    public OpCost Cost(CostContext ctx) => ctx.Memory(ctx.InputElements(0));
}
