namespace Axon.Graph.Reference.Ops;

/// <summary>Size: the input's element count as an int64 scalar.</summary>
[Op("Size")]
internal sealed class Size : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Tensor.Scalar((long)ctx.Input(0).Length)];
}
