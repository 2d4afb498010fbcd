namespace Axon.Graph.Ops;

/// <summary>Round: elementwise, same shape rule as every unary op.</summary>
[Schema("Round")]
internal sealed class Round : UnarySchema
{

}
