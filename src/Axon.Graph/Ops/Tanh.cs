namespace Axon.Graph.Ops;

/// <summary>Tanh: elementwise, same shape rule as every unary op.</summary>
[Schema("Tanh")]
internal sealed class Tanh : UnarySchema
{

}
