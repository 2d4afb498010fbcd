namespace Axon.Graph.Reference.Ops;

/// <summary>A new sequence with a tensor inserted at position (default: appended). The input sequence is not changed.</summary>
[Op("SequenceInsert")]
internal sealed class SequenceInsert : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var seq = SequenceHelpers.Seq(ctx, 0);
        var t = ctx.Input(1);
        if (seq.Items.Count > 0 && t.DType != seq.ElementType)
        {
            throw ctx.Error($"cannot insert a {t.DType.OnnxName()} tensor into a sequence of {seq.ElementType.OnnxName()}");
        }
        int n = seq.Items.Count;
        int pos = ctx.HasInput(2) ? SequenceHelpers.Position(ctx, ctx.Input(2), n, n) : n;
        var items = new List<Tensor>(seq.Items);
        items.Insert(pos, t);
        return [new TensorSequence(n == 0 ? t.DType : seq.ElementType, items)];
    }
}
