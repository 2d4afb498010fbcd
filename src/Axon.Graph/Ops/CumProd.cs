namespace Axon.Graph.Ops;

/// <summary>CumProd: same shape and type as the input.</summary>
[Schema("CumProd")]
internal sealed class CumProd : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["exclusive"] = AttrKind.Int, ["reverse"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
