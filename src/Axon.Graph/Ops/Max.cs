namespace Axon.Graph.Ops;

/// <summary>Max: variadic, every input broadcast together.</summary>
[Schema("Max")]
internal sealed class Max : BroadcastSchema
{

}
