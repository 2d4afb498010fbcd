namespace Axon.Graph.Ops;

/// <summary>Log: elementwise, same shape rule as every unary op.</summary>
[Schema("Log")]
internal sealed class Log : UnarySchema
{

}
