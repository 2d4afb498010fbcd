namespace Axon.Graph.Reference.Ops;

/// <summary>Cast to the dtype of the second input (whose values are ignored).</summary>
[Op("CastLike")]
internal sealed class CastLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        bool saturate = ctx.Opset < 19 || ctx.Int("saturate", 1) != 0;
        return [CastConvert.Convert(ctx.Input(0), ctx.Input(1).DType, saturate)];
    }
}
