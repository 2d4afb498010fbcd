namespace Axon.Graph.Ops;

/// <summary>Sigmoid: elementwise, same shape rule as every unary op.</summary>
[Schema("Sigmoid")]
internal sealed class Sigmoid : UnarySchema
{
    protected override long FlopsPerElement => 4;
}
