namespace Axon.Graph.Reference.Ops;

/// <summary>Uniform random values in [low, high) of the <c>shape</c> attribute's shape; <c>dtype</c> defaults to float.</summary>
[Op("RandomUniform")]
internal sealed class RandomUniform : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var shape = RandomSource.Shape(ctx);
        var dtype = RandomSource.FloatDType(ctx, DType.Float32);
        var v = RandomSource.Uniform(RandomSource.For(ctx), Tensor.CheckedLength(shape), ctx.Float("low", 0f), ctx.Float("high", 1f));
        return [Tensor.FromDoubles(dtype, v, shape)];
    }
}
