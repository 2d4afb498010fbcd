namespace Axon.Graph.Ops;

/// <summary>Sum: variadic, every input broadcast together.</summary>
[Schema("Sum")]
internal sealed class Sum : BroadcastSchema
{

}
