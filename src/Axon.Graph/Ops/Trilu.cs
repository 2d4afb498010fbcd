namespace Axon.Graph.Ops;

/// <summary>Trilu: same shape and type as the input (k only picks which elements are zeroed).</summary>
[Schema("Trilu")]
internal sealed class Trilu : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["upper"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
