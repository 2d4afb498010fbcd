namespace Axon.Graph.Ops;

/// <summary>Floor: elementwise, same shape rule as every unary op.</summary>
[Schema("Floor")]
internal sealed class Floor : UnarySchema
{

}
