namespace Axon.Graph.Ops;

/// <summary>Asinh: elementwise, same shape rule as every unary op.</summary>
[Schema("Asinh")]
internal sealed class Asinh : UnarySchema
{

}
