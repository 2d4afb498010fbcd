namespace Axon.Graph.Ops;

/// <summary>GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:] (needs the last index dim known).</summary>
[Schema("GatherND")]
internal sealed class GatherND : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["batch_dims"] = AttrKind.Int };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var data = ctx.Shape(0);
        var idx = ctx.Shape(1);
        DType t = ctx.ElemType(0);
        if (!data.HasRank || !idx.HasRank || idx.Rank == 0 || !idx[idx.Rank - 1].IsKnown)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        int b = (int)ctx.Int("batch_dims", 0);
        int last = (int)idx[idx.Rank - 1].Value;
        if (b + last > data.Rank)
        {
            return ctx.Fail($"index depth {last} with batch_dims {b} exceeds data rank {data.Rank}");
        }
        return ctx.One(t, idx.Dims.Take(idx.Rank - 1).Concat(data.Dims.Skip(b + last)));
    }
}
