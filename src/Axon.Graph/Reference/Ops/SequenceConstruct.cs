namespace Axon.Graph.Reference.Ops;

/// <summary>Builds a sequence from its tensor inputs, which must share one dtype.</summary>
[Op("SequenceConstruct")]
internal sealed class SequenceConstruct : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var items = Enumerable.Range(0, ctx.InputCount).Select(ctx.Input).ToList();
        if (items.Count == 0)
        {
            throw ctx.Error("needs at least one input");
        }
        if (items.Any(t => t.DType != items[0].DType))
        {
            throw ctx.Error($"inputs mix dtypes ({string.Join(", ", items.Select(t => t.DType.OnnxName()).Distinct())})");
        }
        return [new TensorSequence(items[0].DType, items)];
    }
}
