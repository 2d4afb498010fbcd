namespace Axon.Graph.Ops;

/// <summary>Ceil: elementwise, same shape rule as every unary op.</summary>
[Schema("Ceil")]
internal sealed class Ceil : UnarySchema
{

}
