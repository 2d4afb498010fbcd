namespace Axon.Graph.Ops;

/// <summary>ThresholdedRelu: elementwise, same shape rule as every unary op.</summary>
[Schema("ThresholdedRelu")]
internal sealed class ThresholdedRelu : UnarySchema
{

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
