namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Gather: picks slices along an axis. Output shape is data.shape[:axis] + indices.shape + data.shape[axis+1:];
/// negative indices count from the back.
/// </summary>
[Op("Gather")]
internal sealed class Gather : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var data = ctx.Input(0);
        var indices = ctx.Input(1);
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), data.Rank);
        int dim = data.Shape[axis];
        var ind = NdIndex.Ints(ctx, indices, "indices").Select(i => NormalizeIndex(ctx, i, dim)).ToArray();
        var shape = data.Shape[..axis].Concat(indices.Shape).Concat(data.Shape[(axis + 1)..]).ToArray();
        int outer = NdIndex.Product(data.Shape, 0, axis);
        int inner = NdIndex.Product(data.Shape, axis + 1, data.Rank);
        var map = new int[Tensor.CheckedLength(shape)];
        int k = 0;
        for (int o = 0; o < outer; o++)
        {
            foreach (int i in ind)
            {
                int b = (o * dim + i) * inner;
                for (int j = 0; j < inner; j++)
                {
                    map[k++] = b + j;
                }
            }
        }
        return [NdIndex.Take(data, null, map, shape)];
    }

    /// <summary>An index into an axis of size <paramref name="dim"/>, negative counting from the back; an error if outside.</summary>
    internal static int NormalizeIndex(OpContext ctx, long i, int dim)
    {
        long v = i < 0 ? i + dim : i;
        if (v < 0 || v >= dim)
        {
            throw ctx.Error($"index {i} is out of range for an axis of size {dim}");
        }
        return (int)v;
    }
}
