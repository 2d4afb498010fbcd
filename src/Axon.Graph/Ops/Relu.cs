namespace Axon.Graph.Ops;

/// <summary>Relu: elementwise, same shape rule as every unary op.</summary>
[Schema("Relu")]
internal sealed class Relu : UnarySchema
{

}
