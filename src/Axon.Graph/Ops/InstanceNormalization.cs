namespace Axon.Graph.Ops;

/// <summary>InstanceNormalization: same shape and type as the input.</summary>
[Schema("InstanceNormalization")]
internal sealed class InstanceNormalization : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["epsilon"] = AttrKind.Float };

    protected override long FlopsPerElement => 5;

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
