namespace Axon.Graph.Reference.Ops;

/// <summary>The number of tensors in a sequence, as an int64 scalar.</summary>
[Op("SequenceLength")]
internal sealed class SequenceLength : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Tensor.Scalar((long)SequenceHelpers.Seq(ctx, 0).Items.Count)];
}
