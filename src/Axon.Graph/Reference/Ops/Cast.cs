namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Converts to the dtype in <c>to</c> (a dtype code; before opset 6 a type name such as "FLOAT"). <c>saturate</c> (opset 19+)
/// decides whether out-of-range values clamp to the largest finite float8 value or become Inf/NaN; <c>round_mode</c> (opset 25+)
/// picks how values round to float8e8m0.
/// </summary>
[Op("Cast")]
internal sealed class Cast : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var attr = ctx.Node.GetAttr("to") ?? throw ctx.Error("the 'to' attribute is required");
        DType to;
        if (attr.Kind == AttrKind.String)
        {
            if (!DTypeInfo.TryParse(attr.StringValue, out to))
            {
                throw ctx.Error($"unknown target type \"{attr.StringValue}\"");
            }
        }
        else
        {
            to = (DType)attr.I;
            if (!Enum.IsDefined(to) || to == DType.Undefined)
            {
                throw new AxonUnsupportedException($"{ctx.Node}: Cast to data type {attr.I} is not supported");
            }
        }
        var (saturate, rounding) = CastConvert.Float8Options(ctx);
        return [CastConvert.Convert(ctx.Input(0), to, saturate, rounding)];
    }
}
