namespace Axon.Graph.Ops;

/// <summary>Elu: elementwise, same shape rule as every unary op.</summary>
[Schema("Elu")]
internal sealed class Elu : UnarySchema
{
    protected override long FlopsPerElement => 3;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
