namespace Axon.Graph.Reference.Ops;

/// <summary>An empty sequence of the dtype attribute (float by default).</summary>
[Op("SequenceEmpty")]
internal sealed class SequenceEmpty : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [new TensorSequence((DType)ctx.Int("dtype", (long)DType.Float32), [])];
}
