namespace Axon.Graph.Ops;

/// <summary>DequantizeLinear: x's shape in the scale's type (output_dtype from opset 23 when set).</summary>
[Schema("DequantizeLinear")]
internal sealed class DequantizeLinear : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["block_size"] = AttrKind.Int, ["output_dtype"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        DType t = ctx.Int("output_dtype", 0) is long od and > 0 ? (DType)od
            : ctx.ElemType(1) != DType.Undefined ? ctx.ElemType(1) : DType.Float32;
        return ctx.One(t, ctx.Shape(0));
    }

    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(2);
}
