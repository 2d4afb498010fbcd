namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:BatchNormGrad(dY, X, Scale) {epsilon}: gradients of training-mode BatchNormalization (batch mean and biased
/// variance per channel over N and the spatial axes): dX = scale·inv/M·(M·dY - ΣdY - x̂·Σ(dY·x̂)), dScale = Σ dY·x̂,
/// dBias = Σ dY.
/// </summary>
[Op("BatchNormGrad", Domain = "axon")]
internal sealed class AxonBatchNormGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dyt = ctx.Input(0);
        var xt = ctx.Input(1);
        var shape = xt.Shape;
        if (shape.Length < 2 || !dyt.Shape.AsSpan().SequenceEqual(shape))
        {
            throw ctx.Error($"dY [{string.Join(",", dyt.Shape)}] and X [{string.Join(",", shape)}] must be the same (N, C, ...) shape");
        }
        int n = shape[0], c = shape[1], inner = AxisRows.Prod(shape, 2, shape.Length);
        var scale = ctx.Input(2).ToDoubles();
        if (scale.Length != c)
        {
            throw ctx.Error($"scale has {scale.Length} elements, X has {c} channels");
        }
        double eps = ctx.Float("epsilon", 1e-5f);
        var x = xt.ToDoubles();
        var dy = dyt.ToDoubles();
        double m = (double)n * inner;
        var mean = new double[c];
        var var = new double[c];
        int Ch(int i) => i / inner % c;
        for (int i = 0; i < x.Length; i++)
        {
            mean[Ch(i)] += x[i] / m;
        }
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - mean[Ch(i)];
            var[Ch(i)] += d * d / m;
        }
        var inv = var.Select(v => 1 / Math.Sqrt(v + eps)).ToArray();
        var dScale = new double[c];
        var dBias = new double[c];
        for (int i = 0; i < x.Length; i++)
        {
            int k = Ch(i);
            dBias[k] += dy[i];
            dScale[k] += dy[i] * (x[i] - mean[k]) * inv[k];
        }
        var dx = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int k = Ch(i);
            double xhat = (x[i] - mean[k]) * inv[k];
            dx[i] = scale[k] * inv[k] / m * (m * dy[i] - dBias[k] - xhat * dScale[k]);
        }
        var st = ctx.Input(2);
        return [Tensor.FromDoubles(xt.DType, dx, shape), Tensor.FromDoubles(st.DType, dScale, st.Shape), Tensor.FromDoubles(st.DType, dBias, st.Shape)];
    }
}
