namespace Axon.Graph.Reference.Ops;

/// <summary>Normal samples (mean, scale) with the input's shape (and its dtype unless dtype is set).</summary>
[Op("RandomNormalLike")]
internal sealed class RandomNormalLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        return [RandomDraws.Draw(ctx, RandomDraws.DTypeOr(ctx, x.DType), x.Shape, normal: true)];
    }
}
