namespace Axon.Graph.Ops;

/// <summary>HardSwish: elementwise, same shape rule as every unary op.</summary>
[Schema("HardSwish")]
internal sealed class HardSwish : UnarySchema
{
    protected override long FlopsPerElement => 4;
}
