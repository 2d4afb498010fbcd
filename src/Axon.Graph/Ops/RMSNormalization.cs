namespace Axon.Graph.Ops;

/// <summary>RMSNormalization: same shape and type as the input.</summary>
[Schema("RMSNormalization")]
internal sealed class RMSNormalization : UnarySchema
{
    protected override long FlopsPerElement => 5;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int, ["epsilon"] = AttrKind.Float, ["stash_type"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
