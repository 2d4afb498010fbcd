namespace Axon.Graph.Reference.Ops;

/// <summary>Concatenates a sequence's tensors along axis, or stacks them along a new axis when new_axis=1.</summary>
[Op("ConcatFromSequence")]
internal sealed class ConcatFromSequence : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var seq = SequenceHelpers.Seq(ctx, 0);
        if (seq.Items.Count == 0)
        {
            throw ctx.Error("cannot concatenate an empty sequence");
        }
        if (!ctx.Node.HasAttr("axis"))
        {
            throw ctx.Error("missing axis attribute");
        }
        long axis = ctx.Int("axis", 0);
        bool newAxis = ctx.Int("new_axis", 0) != 0;
        int rank = seq.Items[0].Rank;
        try
        {
            return newAxis
                ? [AxisOps.Stack(seq.Items, AxisOps.Normalize(axis, rank + 1))]
                : [AxisOps.Concat(seq.Items, AxisOps.Normalize(axis, rank))];
        }
        catch (AxonModelException e)
        {
            throw ctx.Error(e.Message);
        }
    }
}
