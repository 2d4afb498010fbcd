namespace Axon.Graph.Reference.Ops;

/// <summary>Cast to the dtype of the second input (whose values are ignored).</summary>
[Op("CastLike")]
internal sealed class CastLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var (saturate, rounding) = CastConvert.Float8Options(ctx);
        return [CastConvert.Convert(ctx.Input(0), ctx.Input(1).DType, saturate, rounding)];
    }
}
