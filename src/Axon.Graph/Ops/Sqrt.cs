namespace Axon.Graph.Ops;

/// <summary>Sqrt: elementwise, same shape rule as every unary op.</summary>
[Schema("Sqrt")]
internal sealed class Sqrt : UnarySchema
{

}
