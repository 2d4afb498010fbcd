namespace Axon.Graph.Reference.Ops;

/// <summary>The tensor at a position of a sequence (negative positions count from the back).</summary>
[Op("SequenceAt")]
internal sealed class SequenceAt : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var seq = SequenceHelpers.Seq(ctx, 0);
        int n = seq.Items.Count;
        int pos = SequenceHelpers.Position(ctx, ctx.Input(1), n, n - 1);
        return [seq.Items[pos]];
    }
}
