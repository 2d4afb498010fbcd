namespace Axon.Graph.Reference.Ops;

/// <summary>Uniform random values in [low, high) shaped like the input; <c>dtype</c> defaults to the input's.</summary>
[Op("RandomUniformLike")]
internal sealed class RandomUniformLike : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var dtype = RandomSource.FloatDType(ctx, x.DType);
        var v = RandomSource.Uniform(RandomSource.For(ctx), x.Length, ctx.Float("low", 0f), ctx.Float("high", 1f));
        return [Tensor.FromDoubles(dtype, v, x.Shape)];
    }
}
