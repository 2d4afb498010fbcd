namespace Axon.Graph.Ops;

/// <summary>Cosh: elementwise, same shape rule as every unary op.</summary>
[Schema("Cosh")]
internal sealed class Cosh : UnarySchema
{

}
