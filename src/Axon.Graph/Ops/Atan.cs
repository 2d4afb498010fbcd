namespace Axon.Graph.Ops;

/// <summary>Atan: elementwise, same shape rule as every unary op.</summary>
[Schema("Atan")]
internal sealed class Atan : UnarySchema
{

}
