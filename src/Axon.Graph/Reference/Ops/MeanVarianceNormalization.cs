namespace Axon.Graph.Reference.Ops;

/// <summary>
/// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) with statistics over `axes` (default [0, 2, 3]). The 1e-9
/// comes from the op's ONNX function body, which guards against a zero deviation.
/// </summary>
[Op("MeanVarianceNormalization")]
internal sealed class MeanVarianceNormalization : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var axes = (ctx.Ints("axes") ?? [0, 2, 3]).Select(a => Reduction.NormalizeAxis(ctx, a, xt.Rank));
        var r = Reduction.Over(xt.Shape, axes, keepDims: true);
        var x = xt.ToDoubles();
        var mean = r.FoldDouble(x, 0, (a, v) => a + v, (a, n) => a / n);
        var sq = new double[r.OutLength];
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - mean[r.OutIndex[i]];
            sq[r.OutIndex[i]] += d * d;
        }
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int o = r.OutIndex[i];
            y[i] = (x[i] - mean[o]) / (Math.Sqrt(sq[o] / r.GroupSize) + 1e-9);
        }
        return [Tensor.FromDoubles(xt.DType, y, xt.Shape)];
    }
}
