namespace Axon.Graph.Reference.Ops;

/// <summary>Normal random values (mean, scale) of the <c>shape</c> attribute's shape; <c>dtype</c> defaults to float.</summary>
[Op("RandomNormal")]
internal sealed class RandomNormal : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var shape = RandomSource.Shape(ctx);
        var dtype = RandomSource.FloatDType(ctx, DType.Float32);
        var v = RandomSource.Normal(RandomSource.For(ctx), Tensor.CheckedLength(shape), ctx.Float("mean", 0f), ctx.Float("scale", 1f));
        return [Tensor.FromDoubles(dtype, v, shape)];
    }
}
