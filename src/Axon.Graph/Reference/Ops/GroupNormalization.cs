namespace Axon.Graph.Reference.Ops;

/// <summary>
/// GroupNormalization: standardizes each (n, group of C/num_groups channels) block, then applies scale and bias. From
/// opset 21 scale/bias are per channel (C); opset 18 had them per group (num_groups).
/// </summary>
[Op("GroupNormalization")]
internal sealed class GroupNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var shape = xt.Shape;
        var scale = ctx.Input(1).ToDoubles();
        var bias = ctx.Input(2).ToDoubles();
        double eps = ctx.Float("epsilon", 1e-5f);
        long groups = ctx.Int("num_groups", 0);
        if (shape.Length < 2)
        {
            throw ctx.Error($"X must have rank 2 or more, got [{string.Join(",", shape)}]");
        }
        int c = shape[1];
        if (groups <= 0 || c % groups != 0)
        {
            throw ctx.Error($"num_groups {groups} must be a positive divisor of the channel count {c}");
        }
        bool perGroup = ctx.Opset < 21;
        int expected = perGroup ? (int)groups : c;
        if (scale.Length != expected || bias.Length != expected)
        {
            throw ctx.Error($"scale and bias must have {expected} elements");
        }
        int spatial = AxisRows.Prod(shape, 2, shape.Length);
        int perG = c / (int)groups;
        var x = xt.ToDoubles();
        // Channels of one group are contiguous in NCHW, so each (n, g) block is one contiguous row.
        int blockLen = perG * spatial;
        int blocks = shape[0] * (int)groups;
        for (int b = 0; b < blocks; b++)
        {
            var row = x.AsSpan(b * blockLen, blockLen);
            Normalization.Standardize(row, eps);
            int g = b % (int)groups;
            for (int k = 0; k < blockLen; k++)
            {
                int p = perGroup ? g : g * perG + k / spatial;
                row[k] = row[k] * scale[p] + bias[p];
            }
        }
        return [Tensor.FromDoubles(xt.DType, x, shape)];
    }
}
