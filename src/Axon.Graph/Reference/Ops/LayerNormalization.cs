namespace Axon.Graph.Reference.Ops;

/// <summary>
/// LayerNormalization: standardizes over axes [axis, rank) and applies Scale and optional B (broadcast to X). The optional
/// Mean and InvStdDev outputs have shape X[:axis] + [1,...] and the stash_type dtype (float by default).
/// </summary>
[Op("LayerNormalization")]
internal sealed class LayerNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var shape = xt.Shape;
        int axis = Normalization.Axis(ctx, shape.Length);
        double eps = ctx.Float("epsilon", 1e-5f);
        var stash = (DType)ctx.Int("stash_type", 1);
        var scale = Normalization.BroadcastTo(ctx, ctx.Input(1), shape, "Scale");
        var bias = ctx.HasInput(2) ? Normalization.BroadcastTo(ctx, ctx.Input(2), shape, "B") : null;
        var x = xt.ToDoubles();
        var rows = AxisRows.FromAxis(shape, axis);
        var means = new double[rows.Outer];
        var invStd = new double[rows.Outer];
        var y = new double[x.Length];
        for (int r = 0; r < rows.Outer; r++)
        {
            var row = x.AsSpan(r * rows.N, rows.N);
            var (mean, var) = Normalization.Moments(row);
            double inv = 1 / Math.Sqrt(var + eps);
            means[r] = mean;
            invStd[r] = inv;
            for (int k = 0; k < rows.N; k++)
            {
                int i = r * rows.N + k;
                y[i] = (x[i] - mean) * inv * scale[i] + (bias is null ? 0 : bias[i]);
            }
        }
        var statShape = shape.Select((d, i) => i < axis ? d : 1).ToArray();
        var statType = stash.IsFloat() ? stash : DType.Float32;
        return
        [
            Tensor.FromDoubles(xt.DType, y, shape),
            ctx.WantsOutput(1) ? Tensor.FromDoubles(statType, means, statShape) : null,
            ctx.WantsOutput(2) ? Tensor.FromDoubles(statType, invStd, statShape) : null,
        ];
    }
}
