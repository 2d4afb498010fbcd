namespace Axon.Graph.Ops;

/// <summary>Min: variadic, every input broadcast together.</summary>
[Schema("Min")]
internal sealed class Min : BroadcastSchema
{

}
