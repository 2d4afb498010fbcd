namespace Axon.Graph.Ops;

/// <summary>Shrink: elementwise, same shape rule as every unary op.</summary>
[Schema("Shrink")]
internal sealed class Shrink : UnarySchema
{
    protected override long FlopsPerElement => 2;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["bias"] = AttrKind.Float, ["lambd"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
