namespace Axon.Graph.Ops;

/// <summary>Reciprocal: elementwise, same shape rule as every unary op.</summary>
[Schema("Reciprocal")]
internal sealed class Reciprocal : UnarySchema
{

}
