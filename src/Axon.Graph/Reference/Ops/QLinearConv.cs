namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Quantized convolution: exact integer conv of the centered x and w plus the int32 bias, rescaled by
/// x_scale·w_scale/y_scale (w_scale per tensor or per output channel), rounded half to even, offset and saturated.
/// </summary>
[Op("QLinearConv")]
internal sealed class QLinearConv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var wt = ctx.Input(3);
        var yzt = ctx.Input(7);
        var x = ConvInteger.Centered(ctx, xt, ctx.Input(2));
        var w = ConvInteger.Centered(ctx, wt, ctx.Input(5));
        var bias = ctx.OptionalInput(8)?.ToDoubles();
        var (acc, shape) = Conv.Compute(ctx, xt.Shape, x, wt.Shape, w, bias);
        double xs = ctx.Input(1).ToDoubles()[0];
        var ws = ctx.Input(4).ToDoubles();
        double ys = ctx.Input(6).ToDoubles()[0];
        double yz = yzt.ToDoubles()[0];
        int m = shape[1];
        int inner = Tensor.CheckedLength(shape.AsSpan(2));
        if (ws.Length != 1 && ws.Length != m)
        {
            throw ctx.Error($"w_scale has {ws.Length} values, expected 1 or {m}");
        }
        var v = new double[acc.Length];
        for (int i = 0; i < acc.Length; i++)
        {
            int oc = i / inner % m;
            double f = (float)((float)(xs * ws[ws.Length == 1 ? 0 : oc]) / ys);
            v[i] = Math.Round(acc[i] * f, MidpointRounding.ToEven) + yz;
        }
        return [Quant.Store(yzt.DType, v, shape, true)];
    }
}
