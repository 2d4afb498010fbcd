namespace Axon.Graph.Ops;

/// <summary>Asin: elementwise, same shape rule as every unary op.</summary>
[Schema("Asin")]
internal sealed class Asin : UnarySchema
{

}
