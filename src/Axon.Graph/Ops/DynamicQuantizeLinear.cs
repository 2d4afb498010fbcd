namespace Axon.Graph.Ops;

/// <summary>DynamicQuantizeLinear(x): y uint8 of x's shape, y_scale float32 scalar, y_zero_point uint8 scalar.</summary>
[Schema("DynamicQuantizeLinear")]
internal sealed class DynamicQuantizeLinear : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx) =>
    [
        TypeInfo.Tensor(DType.UInt8, ctx.Shape(0)),
        TypeInfo.Tensor(DType.Float32, SymShape.Scalar),
        TypeInfo.Tensor(DType.UInt8, SymShape.Scalar),
    ];

    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(4);
}
