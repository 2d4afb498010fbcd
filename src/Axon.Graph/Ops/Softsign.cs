namespace Axon.Graph.Ops;

/// <summary>Softsign: elementwise, same shape rule as every unary op.</summary>
[Schema("Softsign")]
internal sealed class Softsign : UnarySchema
{
    protected override long FlopsPerElement => 2;
}
