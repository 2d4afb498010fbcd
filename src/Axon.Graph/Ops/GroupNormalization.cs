namespace Axon.Graph.Ops;

/// <summary>GroupNormalization: same shape and type as the input.</summary>
[Schema("GroupNormalization")]
internal sealed class GroupNormalization : UnarySchema
{
    protected override long FlopsPerElement => 8;

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["epsilon"] = AttrKind.Float, ["num_groups"] = AttrKind.Int, ["stash_type"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
