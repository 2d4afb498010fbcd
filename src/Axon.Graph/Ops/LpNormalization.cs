namespace Axon.Graph.Ops;

/// <summary>LpNormalization: same shape and type as the input.</summary>
[Schema("LpNormalization")]
internal sealed class LpNormalization : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int, ["p"] = AttrKind.Int };

    protected override long FlopsPerElement => 3;

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
