namespace Axon.Graph.Ops;

/// <summary>Swish: x * sigmoid(alpha * x), elementwise.</summary>
[Schema("Swish")]
internal sealed class Swish : UnarySchema
{
    protected override long FlopsPerElement => 5;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["alpha"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
