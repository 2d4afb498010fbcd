namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:QLinearMatMul(a [..., K], a_scale, a_zp, b [K, N], b_scale, b_zp, y_scale, y_zp, bias?) {qmin, qmax}: the exact
/// integer product (a - a_zp)(b - b_zp) (b's zero point and scale per tensor or per column) plus an int32 bias [N], times
/// the float multiplier a_scale·b_scale[j]/y_scale (each step rounded to float, as QLinearMatMul), rounded half to even,
/// offset by y_zp and saturated to y_zp's type clamped to [qmin, qmax].
/// </summary>
[Op("QLinearMatMul", Domain = "axon")]
internal sealed class AxonQLinearMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var b = ctx.Input(3);
        if (b.Rank != 2)
        {
            throw ctx.Error($"b must be a [K, N] matrix, got [{string.Join(",", b.Shape)}]");
        }
        int n = b.Shape[1];
        var acc = AxonFusion.RunOnnx(ctx, "MatMulInteger", [], ctx.Input(0), b, ctx.Input(2), ctx.Input(5)).ToInt64s();
        var bias = ctx.OptionalInput(8)?.ToInt64s();
        double sa = ctx.Input(1).ToDoubles()[0], ys = ctx.Input(6).ToDoubles()[0];
        var sb = ctx.Input(4).ToDoubles();
        var yz = ctx.Input(7);
        if (sb.Length != 1 && sb.Length != n || bias is not null && bias.Length != n)
        {
            throw ctx.Error($"b_scale and bias must have 1 (bias: {n}) or {n} values");
        }
        double yzv = yz.ToDoubles()[0];
        var v = new double[acc.Length];
        for (int i = 0; i < v.Length; i++)
        {
            int j = i % n;
            double f = (float)((float)(sa * sb[sb.Length == 1 ? 0 : j]) / ys);
            v[i] = Math.Round((acc[i] + (bias?[j] ?? 0)) * f, MidpointRounding.ToEven) + yzv;
        }
        var shape = ctx.Input(0).Shape[..^1].Append(n).ToArray();
        return [AxonQLinearConv.Clamp(ctx, Quant.Store(yz.DType, v, shape, true))];
    }
}
