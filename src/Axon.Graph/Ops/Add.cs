namespace Axon.Graph.Ops;

/// <summary>Add: elementwise, same shape rule as every broadcasting op.</summary>
[Schema("Add")]
internal sealed class Add : BroadcastSchema
{
    protected override Dim? Combine(Dim a, Dim b) => ShapeMath.Add(a, b);

    protected override long? Arith(long a, long b) => a + b;
}
