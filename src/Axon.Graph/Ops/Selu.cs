namespace Axon.Graph.Ops;

/// <summary>Selu: elementwise, same shape rule as every unary op.</summary>
[Schema("Selu")]
internal sealed class Selu : UnarySchema
{
    protected override long FlopsPerElement => 3;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float, ["gamma"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
