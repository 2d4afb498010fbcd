namespace Axon.Graph.Reference.Ops;

/// <summary>Blackman window: 0.42 - 0.5·cos(2πn/N) + 0.08·cos(4πn/N).</summary>
[Op("BlackmanWindow")]
internal sealed class BlackmanWindow : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => Windows.Cosine(ctx, 0.42, 0.5, 0.08);
}
