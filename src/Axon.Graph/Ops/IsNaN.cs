namespace Axon.Graph.Ops;

/// <summary>IsNaN: elementwise, same shape rule as every unary op.</summary>
[Schema("IsNaN")]
internal sealed class IsNaN : UnarySchema
{
    protected override DType OutType(DType input) => DType.Bool;
}
