namespace Axon.Graph.Ops;

/// <summary>Erf: elementwise, same shape rule as every unary op.</summary>
[Schema("Erf")]
internal sealed class Erf : UnarySchema
{

}
