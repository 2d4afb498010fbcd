namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:LayerNormGrad(dY, X, Scale) {axis, epsilon}: gradients of LayerNormalization over [axis, rank) with a Scale of
/// the normalized shape: dX = inv·(g - mean(g) - x̂·mean(g·x̂)) with g = dY·scale, dScale = Σ_rows dY·x̂, dBias = Σ_rows dY.
/// </summary>
[Op("LayerNormGrad", Domain = "axon")]
internal sealed class AxonLayerNormGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dyt = ctx.Input(0);
        var xt = ctx.Input(1);
        var st = ctx.Input(2);
        var shape = xt.Shape;
        if (!dyt.Shape.AsSpan().SequenceEqual(shape))
        {
            throw ctx.Error($"dY [{string.Join(",", dyt.Shape)}] and X [{string.Join(",", shape)}] must have the same shape");
        }
        int axis = Normalization.Axis(ctx, shape.Length);
        var rows = AxisRows.FromAxis(shape, axis);
        int nRow = rows.N;
        var scale = st.ToDoubles();
        if (scale.Length != nRow)
        {
            throw ctx.Error($"scale has {scale.Length} elements, the normalized axes hold {nRow}");
        }
        double eps = ctx.Float("epsilon", 1e-5f);
        var x = xt.ToDoubles();
        var dy = dyt.ToDoubles();
        var dx = new double[x.Length];
        var dScale = new double[nRow];
        var dBias = new double[nRow];
        var xhat = new double[nRow];
        for (int r = 0; r < rows.Outer; r++)
        {
            var (mean, var) = Normalization.Moments(x.AsSpan(r * nRow, nRow));
            double inv = 1 / Math.Sqrt(var + eps);
            double gMean = 0, gxMean = 0;
            for (int k = 0; k < nRow; k++)
            {
                int i = r * nRow + k;
                xhat[k] = (x[i] - mean) * inv;
                double g = dy[i] * scale[k];
                gMean += g / nRow;
                gxMean += g * xhat[k] / nRow;
                dScale[k] += dy[i] * xhat[k];
                dBias[k] += dy[i];
            }
            for (int k = 0; k < nRow; k++)
            {
                int i = r * nRow + k;
                dx[i] = inv * (dy[i] * scale[k] - gMean - xhat[k] * gxMean);
            }
        }
        return [Tensor.FromDoubles(xt.DType, dx, shape), Tensor.FromDoubles(st.DType, dScale, st.Shape), Tensor.FromDoubles(st.DType, dBias, st.Shape)];
    }
}
