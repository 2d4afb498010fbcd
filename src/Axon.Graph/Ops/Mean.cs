namespace Axon.Graph.Ops;

/// <summary>Mean: variadic, every input broadcast together.</summary>
[Schema("Mean")]
internal sealed class Mean : BroadcastSchema
{

}
