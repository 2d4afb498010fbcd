namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Split: cuts the input along an axis. Sizes come from the split attribute (opset 2-12; opset 1 also took it as an
/// input), the split input (13+), or num_outputs (18+, where the last chunk may be smaller); otherwise the axis is cut
/// into as many equal parts as there are outputs.
/// </summary>
[Op("Split")]
internal sealed class Split : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), x.Rank);
        int dim = x.Shape[axis];
        long[]? sizes = null;
        if (ctx.HasInput(1) && (ctx.Opset >= 13 || ctx.Opset < 2))
        {
            sizes = NdIndex.Ints(ctx, ctx.Input(1), "split");
        }
        else if (ctx.Opset < 13)
        {
            sizes = ctx.Ints("split");
        }
        int n = ctx.OutputCount;
        if (sizes is null)
        {
            sizes = new long[n];
            if (ctx.Opset >= 18 && ctx.Node.HasAttr("num_outputs"))
            {
                long parts = ctx.Int("num_outputs", n);
                if (parts != n || parts < 1)
                {
                    throw ctx.Error($"num_outputs {parts} does not match the {n} outputs");
                }
                long chunk = (dim + parts - 1) / parts;
                for (int i = 0; i < n; i++)
                {
                    sizes[i] = Math.Clamp(dim - chunk * i, 0, chunk);
                }
            }
            else
            {
                if (dim % n != 0)
                {
                    throw ctx.Error($"axis {axis} of size {dim} cannot be split into {n} equal parts");
                }
                Array.Fill(sizes, dim / n);
            }
        }
        if (sizes.Length != n || sizes.Any(s => s < 0) || sizes.Sum() != dim)
        {
            throw ctx.Error($"split [{string.Join(",", sizes)}] does not cut axis {axis} of size {dim} into {n} outputs");
        }
        int outer = NdIndex.Product(x.Shape, 0, axis);
        int inner = NdIndex.Product(x.Shape, axis + 1, x.Rank);
        int rowIn = dim * inner;
        var results = new IValue?[n];
        int start = 0;
        for (int i = 0; i < n; i++)
        {
            int len = (int)sizes[i];
            var shape = (int[])x.Shape.Clone();
            shape[axis] = len;
            var r = Tensor.Create(x.DType, shape);
            for (int o = 0; o < outer; o++)
            {
                NdIndex.CopyBlock(x, o * rowIn + start * inner, r, o * len * inner, len * inner);
            }
            results[i] = r;
            start += len;
        }
        return results;
    }
}
