namespace Axon.Graph.Ops;

/// <summary>Mod: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("Mod")]
internal sealed class Mod : BroadcastSchema
{

    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["fmod"] = AttrKind.Int };

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
