namespace Axon.Graph.Ops;

/// <summary>Softplus: elementwise, same shape rule as every unary op.</summary>
[Schema("Softplus")]
internal sealed class Softplus : UnarySchema
{
    protected override long FlopsPerElement => 2;
}
