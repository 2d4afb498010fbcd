namespace Axon.Graph.Ops;

/// <summary>BitwiseNot: elementwise, same shape rule as every unary op.</summary>
[Schema("BitwiseNot")]
internal sealed class BitwiseNot : UnarySchema
{

}
