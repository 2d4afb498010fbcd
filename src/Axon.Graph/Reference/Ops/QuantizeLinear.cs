namespace Axon.Graph.Reference.Ops;

/// <summary>
/// y = saturate(round_half_even(x / y_scale) + y_zero_point): per-tensor, per-axis or blocked; integer, 4-bit and
/// float8/float4 outputs. The division runs in the precision of y_scale's type (or the precision attribute).
/// </summary>
[Op("QuantizeLinear")]
internal sealed class QuantizeLinear : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var st = ctx.Input(1);
        var zt = ctx.OptionalInput(2);
        var outType = (DType)ctx.Int("output_dtype", 0);
        if (outType == DType.Undefined)
        {
            outType = zt?.DType ?? DType.UInt8;
        }
        else if (zt is not null && zt.DType != outType)
        {
            throw ctx.Error($"output_dtype {outType.OnnxName()} differs from the zero point's type {zt.DType.OnnxName()}");
        }
        if (zt is not null && zt.Length != st.Length)
        {
            // A one-element zero point may come as [1] beside a scalar scale; only the element count must agree.
            throw ctx.Error($"zero point shape [{string.Join(",", zt.Shape)}] does not match scale shape [{string.Join(",", st.Shape)}]");
        }
        var precision = (DType)ctx.Int("precision", 0);
        if (precision == DType.Undefined)
        {
            precision = st.DType;
        }
        // Before opset 19 the axis only applied to 1-D scales (per-axis); blocked quantization came in 21.
        long axis = ctx.Int("axis", 1);
        long block = ctx.Int("block_size", 0);
        var map = Quant.ParamMap(ctx, xt.Shape, st.Shape, axis, block);
        var x = xt.ToDoubles();
        var s = st.ToDoubles();
        var z = zt?.ToDoubles();
        bool mini = Quant.MiniFormatOf(outType) is not null;
        var v = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double q = Quant.RoundTo(Quant.RoundTo(x[i], precision) / Quant.RoundTo(s[map[i]], precision), precision);
            // Integers round before the zero point is added (the zero point is integral, so this only matters for NaN/Inf).
            v[i] = (mini ? q : Math.Round(q, MidpointRounding.ToEven)) + (z?[map[i]] ?? 0);
        }
        bool saturate = ctx.Int("saturate", 1) != 0;
        return [Quant.Store(outType, v, xt.Shape, saturate)];
    }
}
