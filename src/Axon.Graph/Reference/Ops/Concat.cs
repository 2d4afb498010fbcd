namespace Axon.Graph.Reference.Ops;

/// <summary>Concat: joins inputs along an axis (negative from opset 11; opset 1 defaulted the axis to 1).</summary>
[Op("Concat")]
internal sealed class Concat : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xs = Enumerable.Range(0, ctx.InputCount).Where(ctx.HasInput).Select(ctx.Input).ToList();
        if (xs.Count == 0)
        {
            throw ctx.Error("no inputs");
        }
        var first = xs[0];
        if (!ctx.Node.HasAttr("axis") && ctx.Opset >= 4)
        {
            throw ctx.Error("missing the axis attribute");
        }
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 1), first.Rank);
        var shape = (int[])first.Shape.Clone();
        shape[axis] = 0;
        foreach (var x in xs)
        {
            if (x.DType != first.DType || x.Rank != first.Rank)
            {
                throw ctx.Error($"inputs {first} and {x} differ in dtype or rank");
            }
            for (int d = 0; d < x.Rank; d++)
            {
                if (d != axis && x.Shape[d] != first.Shape[d])
                {
                    throw ctx.Error($"inputs {NdIndex.Str(first.Shape)} and {NdIndex.Str(x.Shape)} differ outside axis {axis}");
                }
            }
            shape[axis] += x.Shape[axis];
        }
        var r = Tensor.Create(first.DType, shape);
        int outer = NdIndex.Product(shape, 0, axis);
        int inner = NdIndex.Product(shape, axis + 1, shape.Length);
        int rowOut = shape[axis] * inner;
        int offset = 0;
        foreach (var x in xs)
        {
            int row = x.Shape[axis] * inner;
            for (int o = 0; o < outer; o++)
            {
                NdIndex.CopyBlock(x, o * row, r, o * rowOut + offset, row);
            }
            offset += row;
        }
        return [r];
    }
}
