namespace Axon.Graph.Ops;

/// <summary>Acosh: elementwise, same shape rule as every unary op.</summary>
[Schema("Acosh")]
internal sealed class Acosh : UnarySchema
{

}
