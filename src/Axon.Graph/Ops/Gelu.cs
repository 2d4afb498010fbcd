namespace Axon.Graph.Ops;

/// <summary>Gelu: elementwise; the tanh approximation costs about as much as the erf form.</summary>
[Schema("Gelu")]
internal sealed class Gelu : UnarySchema
{
    protected override long FlopsPerElement => 8;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["approximate"] = AttrKind.String };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
