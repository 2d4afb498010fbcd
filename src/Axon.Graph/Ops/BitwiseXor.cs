namespace Axon.Graph.Ops;

/// <summary>BitwiseXor: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("BitwiseXor")]
internal sealed class BitwiseXor : BroadcastSchema
{

}
