namespace Axon.Graph.Ops;

/// <summary>Sign: elementwise, same shape rule as every unary op.</summary>
[Schema("Sign")]
internal sealed class Sign : UnarySchema
{

}
