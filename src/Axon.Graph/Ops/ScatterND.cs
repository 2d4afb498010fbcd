namespace Axon.Graph.Ops;

/// <summary>ScatterND: the data's shape and type.</summary>
[Schema("ScatterND")]
internal sealed class ScatterND : UnarySchema
{
    protected override long FlopsPerElement => 0;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["reduction"] = AttrKind.String };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
