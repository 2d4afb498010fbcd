namespace Axon.Graph.Ops;

/// <summary>BitwiseAnd: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("BitwiseAnd")]
internal sealed class BitwiseAnd : BroadcastSchema
{

}
