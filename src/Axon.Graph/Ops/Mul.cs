namespace Axon.Graph.Ops;

/// <summary>Mul: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("Mul")]
internal sealed class Mul : BroadcastSchema
{
    protected override Dim? Combine(Dim a, Dim b) => ShapeMath.Product([a, b]);

    protected override long? Arith(long a, long b) => a * b;
}
