namespace Axon.Graph.Ops;

/// <summary>Mish: elementwise, same shape rule as every unary op.</summary>
[Schema("Mish")]
internal sealed class Mish : UnarySchema
{
    protected override long FlopsPerElement => 4;
}
