namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Inference (the default, and always before opset 12): output = input, mask all true. Training (opset 12+, with
/// training_mode true and ratio &gt; 0): element i is kept when the i-th uniform draw from MT19937 seeded with <c>seed</c>
/// (0 when absent) is &gt;= ratio, and kept values are scaled by 1 / (1 - ratio).
/// </summary>
[Op("Dropout")]
internal sealed class Dropout : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        double ratio = 0.5;
        bool training = false;
        if (ctx.Opset >= 12)
        {
            if (ctx.OptionalInput(1) is { } r)
            {
                ratio = r.GetDouble(0);
            }
            if (ctx.OptionalInput(2) is { } t)
            {
                training = t.GetInt64(0) != 0;
            }
        }
        // Opset 10+ masks are bool; before that the mask has the data's dtype.
        var maskType = ctx.Opset >= 10 ? DType.Bool : x.DType;
        if (!training || ratio == 0)
        {
            var ones = new double[x.Length];
            Array.Fill(ones, 1.0);
            return [x, ctx.WantsOutput(1) ? Tensor.FromDoubles(maskType, ones, x.Shape) : null];
        }
        if (ratio < 0 || ratio >= 1)
        {
            throw ctx.Error($"ratio must be in [0, 1), got {ratio}");
        }
        var rng = new Mt19937(unchecked((uint)ctx.Int("seed", 0)));
        // The scale is computed in the ratio's precision, as the tests' NumPy code does (1 / (1 - float32 ratio)).
        double scale = 1.0 / (1.0 - ratio);
        var d = x.ToDoubles();
        var mask = new double[d.Length];
        for (int i = 0; i < d.Length; i++)
        {
            bool keep = rng.NextDouble() >= ratio;
            mask[i] = keep ? 1 : 0;
            d[i] = keep ? d[i] * scale : 0;
        }
        return [Tensor.FromDoubles(x.DType, d, x.Shape), ctx.WantsOutput(1) ? Tensor.FromDoubles(DType.Bool, mask, x.Shape) : null];
    }
}
