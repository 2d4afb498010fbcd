namespace Axon.Graph.Ops;

/// <summary>Tan: elementwise, same shape rule as every unary op.</summary>
[Schema("Tan")]
internal sealed class Tan : UnarySchema
{

}
