namespace Axon.Graph.Reference.Ops;

/// <summary>y = (x - x_zero_point) · x_scale: per-tensor, per-axis or blocked; the output type is output_dtype or the scale's.</summary>
[Op("DequantizeLinear")]
internal sealed class DequantizeLinear : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var st = ctx.Input(1);
        var zt = ctx.OptionalInput(2);
        if (zt is not null && zt.DType != xt.DType)
        {
            throw ctx.Error($"zero point type {zt.DType.OnnxName()} differs from x's {xt.DType.OnnxName()}");
        }
        if (zt is not null && zt.Length != st.Length)
        {
            // A one-element zero point may come as [1] beside a scalar scale; only the element count must agree.
            throw ctx.Error($"zero point shape [{string.Join(",", zt.Shape)}] does not match scale shape [{string.Join(",", st.Shape)}]");
        }
        var outType = (DType)ctx.Int("output_dtype", 0);
        if (outType == DType.Undefined)
        {
            outType = st.DType;
        }
        var map = Quant.ParamMap(ctx, xt.Shape, st.Shape, ctx.Int("axis", 1), ctx.Int("block_size", 0));
        var x = xt.ToDoubles();
        var s = st.ToDoubles();
        var z = zt?.ToDoubles();
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = (x[i] - (z?[map[i]] ?? 0)) * s[map[i]];
        }
        return [Tensor.FromDoubles(outType, y, xt.Shape)];
    }
}
