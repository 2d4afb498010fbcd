namespace Axon.Graph.Ops;

/// <summary>Celu: elementwise, same shape rule as every unary op.</summary>
[Schema("Celu")]
internal sealed class Celu : UnarySchema
{
    protected override long FlopsPerElement => 3;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
