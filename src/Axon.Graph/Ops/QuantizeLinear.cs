namespace Axon.Graph.Ops;

/// <summary>QuantizeLinear: x's shape in the zero point's type (or output_dtype from opset 21), uint8 by default.</summary>
[Schema("QuantizeLinear")]
internal sealed class QuantizeLinear : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["axis"] = AttrKind.Int, ["saturate"] = AttrKind.Int, ["block_size"] = AttrKind.Int, ["output_dtype"] = AttrKind.Int,
        ["precision"] = AttrKind.Int,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        DType t = ctx.HasInput(2) && ctx.ElemType(2) != DType.Undefined ? ctx.ElemType(2)
            : ctx.Int("output_dtype", 0) is long od and > 0 ? (DType)od : DType.UInt8;
        return ctx.One(t, ctx.Shape(0));
    }

    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(3);
}
