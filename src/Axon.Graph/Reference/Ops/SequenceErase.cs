namespace Axon.Graph.Reference.Ops;

/// <summary>A new sequence without the tensor at position (default: the last one).</summary>
[Op("SequenceErase")]
internal sealed class SequenceErase : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var seq = SequenceHelpers.Seq(ctx, 0);
        int n = seq.Items.Count;
        if (n == 0)
        {
            throw ctx.Error("cannot erase from an empty sequence");
        }
        int pos = ctx.HasInput(1) ? SequenceHelpers.Position(ctx, ctx.Input(1), n, n - 1) : n - 1;
        var items = new List<Tensor>(seq.Items);
        items.RemoveAt(pos);
        return [new TensorSequence(seq.ElementType, items)];
    }
}
