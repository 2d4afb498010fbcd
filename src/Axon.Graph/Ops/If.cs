namespace Axon.Graph.Ops;

/// <summary>If: each output is what both branches agree on (dims that differ become unknown, ranks that differ unknown rank).</summary>
[Schema("If")]
internal sealed class If : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["then_branch"] = AttrKind.Graph, ["else_branch"] = AttrKind.Graph,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var thenG = ctx.Node.GetGraph("then_branch");
        var elseG = ctx.Node.GetGraph("else_branch");
        if (thenG is null || elseG is null)
        {
            return ctx.Fail("a branch is missing");
        }
        var a = ctx.InferSubgraph(thenG, []);
        var b = ctx.InferSubgraph(elseG, []);
        var r = ctx.Unknowns();
        for (int i = 0; i < r.Length && i < a.Length && i < b.Length; i++)
        {
            r[i] = TypeMerge.Join(a[i], b[i]);
        }
        return r;
    }
}
