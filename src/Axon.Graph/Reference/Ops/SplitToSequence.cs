namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Splits a tensor along an axis into a sequence: into pieces of one (squeezed unless keepdims=1) when split is absent,
/// into equal chunks (the last may be shorter) for a scalar split, or into the listed sizes for a 1-D split.
/// </summary>
[Op("SplitToSequence")]
internal sealed class SplitToSequence : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int axis = AxisOps.Normalize(ctx.Int("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        var items = new List<Tensor>();
        var split = ctx.OptionalInput(1);
        if (split is null)
        {
            bool keep = ctx.Int("keepdims", 1) != 0;
            for (int i = 0; i < dim; i++)
            {
                items.Add(keep ? AxisOps.Slice(x, axis, i, 1) : AxisOps.Take(x, axis, i));
            }
        }
        else if (split.Rank == 0)
        {
            long chunk = split.ToInt64s()[0];
            if (chunk <= 0)
            {
                throw ctx.Error($"split size {chunk} must be positive");
            }
            for (int start = 0; start < dim; start += (int)chunk)
            {
                items.Add(AxisOps.Slice(x, axis, start, (int)Math.Min(chunk, dim - start)));
            }
        }
        else
        {
            var sizes = split.ToInt64s();
            if (sizes.Any(s => s < 0) || sizes.Sum() != dim)
            {
                throw ctx.Error($"split sizes [{string.Join(",", sizes)}] do not sum to axis length {dim}");
            }
            int start = 0;
            foreach (var s in sizes)
            {
                items.Add(AxisOps.Slice(x, axis, start, (int)s));
                start += (int)s;
            }
        }
        return [new TensorSequence(x.DType, items)];
    }
}
