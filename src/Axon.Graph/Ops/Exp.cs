namespace Axon.Graph.Ops;

/// <summary>Exp: elementwise, same shape rule as every unary op.</summary>
[Schema("Exp")]
internal sealed class Exp : UnarySchema
{

}
