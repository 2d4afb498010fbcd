namespace Axon.Graph.Ops;

/// <summary>Atanh: elementwise, same shape rule as every unary op.</summary>
[Schema("Atanh")]
internal sealed class Atanh : UnarySchema
{

}
