namespace Axon.Graph.Ops;

/// <summary>ScatterElements: the data's shape and type.</summary>
[Schema("ScatterElements")]
internal sealed class ScatterElements : UnarySchema
{
    protected override long FlopsPerElement => 0;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int, ["reduction"] = AttrKind.String };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
