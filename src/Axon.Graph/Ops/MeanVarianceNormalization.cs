namespace Axon.Graph.Ops;

/// <summary>MeanVarianceNormalization: same shape and type as the input.</summary>
[Schema("MeanVarianceNormalization")]
internal sealed class MeanVarianceNormalization : UnarySchema
{
    protected override long FlopsPerElement => 5;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axes"] = AttrKind.Ints };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
