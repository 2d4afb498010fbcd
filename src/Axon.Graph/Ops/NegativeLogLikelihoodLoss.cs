namespace Axon.Graph.Ops;

/// <summary>NegativeLogLikelihoodLoss: the target's shape with reduction "none", else a scalar; the input's type.</summary>
[Schema("NegativeLogLikelihoodLoss")]
internal sealed class NegativeLogLikelihoodLoss : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["ignore_index"] = AttrKind.Int, ["reduction"] = AttrKind.String,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx) => LossShape(ctx);

    /// <summary>Shared with SoftmaxCrossEntropyLoss: output 0 by reduction, output 1 (log-probabilities) like the scores.</summary>
    internal static TypeInfo[] LossShape(InferContext ctx)
    {
        DType t = ctx.ElemType(0);
        var x = ctx.Shape(0);
        var r = ctx.One(t, ctx.String("reduction", "mean") == "none"
            ? x.HasRank && x.Rank >= 2 ? new SymShape(x.Dims.Take(1).Concat(x.Dims.Skip(2))) : ctx.Shape(1)
            : SymShape.Scalar);
        if (r.Length > 1)
        {
            r[1] = TypeInfo.Tensor(t, x);
        }
        return r;
    }
}
