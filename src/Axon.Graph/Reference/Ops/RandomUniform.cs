namespace Axon.Graph.Reference.Ops;

/// <summary>Uniform samples in [low, high) of the shape attribute (float unless dtype is set).</summary>
[Op("RandomUniform")]
internal sealed class RandomUniform : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) =>
        [RandomDraws.Draw(ctx, RandomDraws.DTypeOr(ctx, DType.Float32), RandomDraws.ShapeAttr(ctx), normal: false)];
}
