using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Base for windowed pools: [N, C, D...] to [N, C, out...] by the window rule; cost is one op per window element.</summary>
internal abstract class PoolSchema : IOpSchema
{
    public IReadOnlyDictionary<string, AttrKind> Attributes => WindowGeometry.Attrs;

    /// <summary>Whether output 1 (MaxPool's Indices, int64) exists.</summary>
    protected virtual bool HasIndices => false;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        if (x.Rank < 3)
        {
            return ctx.Fail($"input must be at least 3-D, got {x}");
        }
        int spatial = x.Rank - 2;
        var geo = WindowGeometry.Read(ctx, spatial, null);
        if (geo is null)
        {
            return ctx.Fail("kernel_shape is missing or does not match the input's spatial rank");
        }
        var dims = new List<Dim> { x[0], x[1] };
        dims.AddRange(geo.Output(x.Dims.Skip(2).ToArray()));
        var r = ctx.One(t, dims);
        if (HasIndices && r.Length > 1)
        {
            r[1] = TypeInfo.Tensor(DType.Int64, new SymShape(dims));
        }
        return r;
    }

    public OpCost Cost(CostContext ctx)
    {
        var k = ctx.Node.GetInts("kernel_shape");
        long vol = k is null ? 1 : k.Aggregate(1L, (a, b) => a * b);
        return ctx.Memory(ctx.OutputElements(0) * vol);
    }
}
