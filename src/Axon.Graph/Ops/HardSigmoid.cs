namespace Axon.Graph.Ops;

/// <summary>HardSigmoid: elementwise, same shape rule as every unary op.</summary>
[Schema("HardSigmoid")]
internal sealed class HardSigmoid : UnarySchema
{
    protected override long FlopsPerElement => 3;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float, ["beta"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
