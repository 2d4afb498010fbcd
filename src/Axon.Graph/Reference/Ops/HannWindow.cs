namespace Axon.Graph.Reference.Ops;

/// <summary>Hann window: 0.5 - 0.5·cos(2πn/N).</summary>
[Op("HannWindow")]
internal sealed class HannWindow : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => Windows.Cosine(ctx, 0.5, 0.5);
}
