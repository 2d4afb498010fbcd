namespace Axon.Graph.Ops;

/// <summary>Abs: elementwise, same shape rule as every unary op.</summary>
[Schema("Abs")]
internal sealed class Abs : UnarySchema
{

}
