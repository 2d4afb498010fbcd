namespace Axon.Graph.Reference.Ops;

/// <summary>RMSNormalization: y = x / sqrt(mean(x^2 over axes [axis, rank)) + epsilon) * scale; Y takes scale's dtype (V).</summary>
[Op("RMSNormalization")]
internal sealed class RMSNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var st = ctx.Input(1);
        var shape = xt.Shape;
        int axis = Normalization.Axis(ctx, shape.Length);
        double eps = ctx.Float("epsilon", 1e-5f);
        var scale = Normalization.BroadcastTo(ctx, st, shape, "scale");
        var x = xt.ToDoubles();
        var rows = AxisRows.FromAxis(shape, axis);
        for (int r = 0; r < rows.Outer; r++)
        {
            var row = x.AsSpan(r * rows.N, rows.N);
            double ms = 0;
            foreach (double v in row)
            {
                ms += v * v;
            }
            double inv = 1 / Math.Sqrt(ms / rows.N + eps);
            for (int k = 0; k < rows.N; k++)
            {
                row[k] = row[k] * inv * scale[r * rows.N + k];
            }
        }
        return [Tensor.FromDoubles(st.DType, x, shape)];
    }
}
