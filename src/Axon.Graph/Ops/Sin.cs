namespace Axon.Graph.Ops;

/// <summary>Sin: elementwise, same shape rule as every unary op.</summary>
[Schema("Sin")]
internal sealed class Sin : UnarySchema
{

}
