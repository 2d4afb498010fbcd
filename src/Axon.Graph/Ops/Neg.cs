namespace Axon.Graph.Ops;

/// <summary>Neg: elementwise, same shape rule as every unary op.</summary>
[Schema("Neg")]
internal sealed class Neg : UnarySchema
{

}
