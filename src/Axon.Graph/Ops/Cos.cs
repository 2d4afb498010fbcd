namespace Axon.Graph.Ops;

/// <summary>Cos: elementwise, same shape rule as every unary op.</summary>
[Schema("Cos")]
internal sealed class Cos : UnarySchema
{

}
