namespace Axon.Graph.Ops;

/// <summary>IsInf: elementwise, same shape rule as every unary op.</summary>
[Schema("IsInf")]
internal sealed class IsInf : UnarySchema
{

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["detect_negative"] = AttrKind.Int, ["detect_positive"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
    protected override DType OutType(DType input) => DType.Bool;
}
