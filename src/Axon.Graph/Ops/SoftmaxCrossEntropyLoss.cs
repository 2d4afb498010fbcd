namespace Axon.Graph.Ops;

/// <summary>SoftmaxCrossEntropyLoss: loss as NegativeLogLikelihoodLoss; optional log_prob has the scores' shape.</summary>
[Schema("SoftmaxCrossEntropyLoss")]
internal sealed class SoftmaxCrossEntropyLoss : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["ignore_index"] = AttrKind.Int, ["reduction"] = AttrKind.String,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx) => NegativeLogLikelihoodLoss.LossShape(ctx);

    public OpCost Cost(CostContext ctx) => ctx.Memory(ctx.InputElements(0) * 6);
}
