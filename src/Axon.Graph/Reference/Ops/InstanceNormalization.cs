namespace Axon.Graph.Reference.Ops;

/// <summary>InstanceNormalization: y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c], statistics per (n, c) over the spatial axes.</summary>
[Op("InstanceNormalization")]
internal sealed class InstanceNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var scale = ctx.Input(1).ToDoubles();
        var bias = ctx.Input(2).ToDoubles();
        double eps = ctx.Float("epsilon", 1e-5f);
        var shape = xt.Shape;
        if (shape.Length < 2)
        {
            throw ctx.Error($"X must have rank 2 or more, got [{string.Join(",", shape)}]");
        }
        int c = shape[1];
        if (scale.Length != c || bias.Length != c)
        {
            throw ctx.Error($"scale and B must have {c} elements");
        }
        var x = xt.ToDoubles();
        // Each (n, c) pair is one contiguous row of the spatial elements.
        var rows = AxisRows.FromAxis(shape, 2);
        rows.Apply(x, (row, r) => Normalization.Standardize(row, eps, scale[r % c], bias[r % c]));
        return [Tensor.FromDoubles(xt.DType, x, shape)];
    }
}
