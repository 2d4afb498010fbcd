namespace Axon.Graph.Ops;

/// <summary>BitShift: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("BitShift")]
internal sealed class BitShift : BroadcastSchema
{

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["direction"] = AttrKind.String };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
