namespace Axon.Graph.Ops;

/// <summary>LpPool: the window rule.</summary>
[Schema("LpPool")]
internal sealed class LpPool : PoolSchema
{
}
