namespace Axon.Graph.Reference.Ops;

/// <summary>
/// BatchNormalization. Inference uses the given mean/var. Training (training_mode from opset 14; before that, asking for
/// the extra outputs, with is_test=0 in opset 6) normalizes with the batch's own statistics and also returns the running
/// mean/var (and, before opset 14, the saved batch mean/var). Opset 6-7 spatial=0 takes per-element statistics of shape X[1:].
/// </summary>
[Op("BatchNormalization")]
internal sealed class BatchNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var x = xt.ToDoubles();
        var scale = ctx.Input(1).ToDoubles();
        var bias = ctx.Input(2).ToDoubles();
        var inMean = ctx.Input(3);
        var inVar = ctx.Input(4);
        double eps = ctx.Float("epsilon", 1e-5f);
        double momentum = ctx.Float("momentum", 0.9f);
        var shape = xt.Shape;
        bool training = ctx.Opset >= 14
            ? ctx.Int("training_mode", 0) != 0
            : ctx.OutputCount > 1 && (ctx.Opset >= 7 || ctx.Int("is_test", 0) == 0);

        // A "channel" is what one statistic covers: C for the usual spatial case, all of X[1:] for spatial=0.
        int n = shape.Length > 0 ? shape[0] : 1;
        int c = shape.Length > 1 ? shape[1] : 1;
        int inner = AxisRows.Prod(shape, 2, shape.Length);
        if (scale.Length != c && scale.Length == c * inner && ctx.Opset < 9)
        {
            c *= inner;
            inner = 1;
        }
        if (scale.Length != c || bias.Length != c || inMean.Length != c || inVar.Length != c)
        {
            throw ctx.Error($"scale, B, mean and var must each have {c} elements (X is [{string.Join(",", shape)}])");
        }
        int Channel(int i) => i / inner % c;

        double[] mean = inMean.ToDoubles(), variance = inVar.ToDoubles();
        double[]? batchMean = null, batchVar = null;
        if (training)
        {
            batchMean = new double[c];
            batchVar = new double[c];
            double count = (double)n * inner;
            for (int i = 0; i < x.Length; i++)
            {
                batchMean[Channel(i)] += x[i];
            }
            for (int k = 0; k < c; k++)
            {
                batchMean[k] /= count;
            }
            for (int i = 0; i < x.Length; i++)
            {
                double d = x[i] - batchMean[Channel(i)];
                batchVar[Channel(i)] += d * d;
            }
            for (int k = 0; k < c; k++)
            {
                batchVar[k] /= count;
            }
        }
        var useMean = batchMean ?? mean;
        var useVar = batchVar ?? variance;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int k = Channel(i);
            y[i] = (x[i] - useMean[k]) / Math.Sqrt(useVar[k] + eps) * scale[k] + bias[k];
        }
        var outs = new IValue?[Math.Max(ctx.OutputCount, 1)];
        outs[0] = Tensor.FromDoubles(xt.DType, y, shape);
        if (training)
        {
            var runMean = new double[c];
            var runVar = new double[c];
            for (int k = 0; k < c; k++)
            {
                runMean[k] = mean[k] * momentum + batchMean![k] * (1 - momentum);
                runVar[k] = variance[k] * momentum + batchVar![k] * (1 - momentum);
            }
            Tensor[] extra =
            [
                Tensor.FromDoubles(inMean.DType, runMean, inMean.Shape),
                Tensor.FromDoubles(inVar.DType, runVar, inVar.Shape),
                Tensor.FromDoubles(inMean.DType, batchMean!, inMean.Shape),
                Tensor.FromDoubles(inVar.DType, batchVar!, inVar.Shape),
            ];
            for (int o = 1; o < outs.Length && o <= extra.Length; o++)
            {
                outs[o] = ctx.WantsOutput(o) ? extra[o - 1] : null;
            }
        }
        return outs;
    }
}
