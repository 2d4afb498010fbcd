namespace Axon.Graph.Ops;

/// <summary>Sinh: elementwise, same shape rule as every unary op.</summary>
[Schema("Sinh")]
internal sealed class Sinh : UnarySchema
{

}
