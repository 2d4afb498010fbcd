namespace Axon.Graph.Reference.Ops;

/// <summary>Normal samples (mean, scale) of the shape attribute (float unless dtype is set).</summary>
[Op("RandomNormal")]
internal sealed class RandomNormal : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) =>
        [RandomDraws.Draw(ctx, RandomDraws.DTypeOr(ctx, DType.Float32), RandomDraws.ShapeAttr(ctx), normal: true)];
}
