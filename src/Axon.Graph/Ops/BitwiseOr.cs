namespace Axon.Graph.Ops;

/// <summary>BitwiseOr: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("BitwiseOr")]
internal sealed class BitwiseOr : BroadcastSchema
{

}
