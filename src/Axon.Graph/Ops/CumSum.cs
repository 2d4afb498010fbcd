namespace Axon.Graph.Ops;

/// <summary>CumSum: same shape and type as the input.</summary>
[Schema("CumSum")]
internal sealed class CumSum : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["exclusive"] = AttrKind.Int, ["reverse"] = AttrKind.Int,
    };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
