namespace Axon.Graph.Ops;

/// <summary>Clip: elementwise; min/max are attributes before opset 11 and optional inputs after.</summary>
[Schema("Clip")]
internal sealed class Clip : UnarySchema
{
    protected override long FlopsPerElement => 2;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["min"] = AttrKind.Float, ["max"] = AttrKind.Float };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
