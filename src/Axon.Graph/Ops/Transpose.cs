namespace Axon.Graph.Ops;

/// <summary>Transpose: dims permuted by perm (reversed when absent).</summary>
[Schema("Transpose")]
internal sealed class Transpose : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["perm"] = AttrKind.Ints };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var perm = ctx.Ints("perm");
        if (!x.HasRank)
        {
            return ctx.One(ctx.ElemType(0), perm is null ? SymShape.UnknownRank : new SymShape(perm.Select(_ => Dim.Unknown)));
        }
        perm ??= Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != x.Rank || perm.Distinct().Count() != perm.Length || perm.Any(p => p < 0 || p >= x.Rank))
        {
            return ctx.Fail($"perm [{string.Join(",", perm)}] is not a permutation of rank {x.Rank}");
        }
        return ctx.One(ctx.ElemType(0), perm.Select(p => x[(int)p]));
    }
}
