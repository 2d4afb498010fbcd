namespace Axon.Graph.Ops;

/// <summary>LeakyRelu: elementwise, same shape rule as every unary op.</summary>
[Schema("LeakyRelu")]
internal sealed class LeakyRelu : UnarySchema
{
    protected override long FlopsPerElement => 2;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
