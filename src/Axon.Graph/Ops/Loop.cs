namespace Axon.Graph.Ops;

/// <summary>
/// Loop: inputs (M, cond, v...), body (iter, cond, v...) -> (cond, v..., scans...). Final loop-carried values join the
/// initial and body types; scan outputs stack per-iteration values under a leading unknown (trip count) dim.
/// </summary>
[Schema("Loop")]
internal sealed class Loop : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["body"] = AttrKind.Graph };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var body = ctx.Node.GetGraph("body");
        if (body is null)
        {
            return ctx.Fail("the body is missing");
        }
        int carried = Math.Max(0, ctx.InputCount - 2);
        var bodyIn = new TypeInfo?[body.Inputs.Count];
        if (bodyIn.Length > 0)
        {
            bodyIn[0] = TypeInfo.Tensor(DType.Int64, SymShape.Scalar);
        }
        if (bodyIn.Length > 1)
        {
            bodyIn[1] = TypeInfo.Tensor(DType.Bool, SymShape.Scalar);
        }
        for (int i = 0; i < carried && i + 2 < bodyIn.Length; i++)
        {
            // The carried value may change shape between iterations; give the body only what cannot change.
            bodyIn[i + 2] = ctx.Input(i + 2) is { Kind: TypeKind.Tensor } t
                ? TypeInfo.Tensor(t.ElemType, t.Shape.HasRank ? new SymShape(t.Shape.Dims.Select(_ => Dim.Unknown)) : SymShape.UnknownRank)
                : ctx.Input(i + 2);
        }
        var outs = ctx.InferSubgraph(body, bodyIn);
        var r = ctx.Unknowns();
        for (int i = 0; i < r.Length && i + 1 < outs.Length; i++)
        {
            var o = outs[i + 1];
            if (i < carried)
            {
                r[i] = ctx.Input(i + 2) is { } init ? TypeMerge.Join(init, o) : o;
            }
            else
            {
                r[i] = o.Kind == TypeKind.Tensor && o.Shape.HasRank
                    ? TypeInfo.Tensor(o.ElemType, new SymShape(new[] { Dim.Unknown }.Concat(o.Shape.Dims)))
                    : o.Kind == TypeKind.Tensor ? TypeInfo.Tensor(o.ElemType, SymShape.UnknownRank) : TypeInfo.Unknown;
            }
        }
        return r;
    }
}
