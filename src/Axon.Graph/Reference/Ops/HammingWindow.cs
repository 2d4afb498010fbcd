namespace Axon.Graph.Reference.Ops;

/// <summary>Hamming window: 25/46 - 21/46·cos(2πn/N).</summary>
[Op("HammingWindow")]
internal sealed class HammingWindow : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => Windows.Cosine(ctx, 25.0 / 46, 21.0 / 46);
}
