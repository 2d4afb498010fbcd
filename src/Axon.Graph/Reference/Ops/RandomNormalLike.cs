namespace Axon.Graph.Reference.Ops;

/// <summary>Normal random values (mean, scale) shaped like the input; <c>dtype</c> defaults to the input's.</summary>
[Op("RandomNormalLike")]
internal sealed class RandomNormalLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var dtype = RandomSource.FloatDType(ctx, x.DType);
        var v = RandomSource.Normal(RandomSource.For(ctx), x.Length, ctx.Float("mean", 0f), ctx.Float("scale", 1f));
        return [Tensor.FromDoubles(dtype, v, x.Shape)];
    }
}
