namespace Axon.Graph.Reference.Ops;

/// <summary>Uniform samples in [low, high) with the input's shape (and its dtype unless dtype is set).</summary>
[Op("RandomUniformLike")]
internal sealed class RandomUniformLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        return [RandomDraws.Draw(ctx, RandomDraws.DTypeOr(ctx, x.DType), x.Shape, normal: false)];
    }
}
