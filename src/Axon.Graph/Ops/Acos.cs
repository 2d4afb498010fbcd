namespace Axon.Graph.Ops;

/// <summary>Acos: elementwise, same shape rule as every unary op.</summary>
[Schema("Acos")]
internal sealed class Acos : UnarySchema
{

}
