namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Compress: keeps the slices along axis whose condition entry is true (without axis, the flattened elements). A shorter
/// condition drops the remaining slices.
/// </summary>
[Op("Compress")]
internal sealed class Compress : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var cond = ctx.Input(1).ToInt64s();
        if (!ctx.Node.HasAttr("axis"))
        {
            x = x.Reshape(x.Length);
        }
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        var keep = new List<int>();
        for (int i = 0; i < cond.Length; i++)
        {
            if (cond[i] == 0)
            {
                continue;
            }
            if (i >= dim)
            {
                throw ctx.Error($"condition has a true entry at {i}, beyond axis {axis} of size {dim}");
            }
            keep.Add(i);
        }
        var shape = (int[])x.Shape.Clone();
        shape[axis] = keep.Count;
        int outer = NdIndex.Product(x.Shape, 0, axis);
        int inner = NdIndex.Product(x.Shape, axis + 1, x.Rank);
        var map = new int[Tensor.CheckedLength(shape)];
        int k = 0;
        for (int o = 0; o < outer; o++)
        {
            foreach (int i in keep)
            {
                for (int j = 0; j < inner; j++)
                {
                    map[k++] = (o * dim + i) * inner + j;
                }
            }
        }
        return [NdIndex.Take(x, null, map, shape)];
    }
}
