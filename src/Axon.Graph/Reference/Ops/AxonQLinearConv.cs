namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?) {conv attributes, qmin, qmax}: ONNX
/// QLinearConv, then the output clamped to [qmin, qmax] (a fused Relu or Clip: quantization is monotonic, so clamping the
/// quantized value at the quantized bound is the activation applied before the QuantizeLinear it was fused with).
/// </summary>
[Op("QLinearConv", Domain = "axon")]
internal sealed class AxonQLinearConv : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var inputs = Enumerable.Range(0, 9).Select(i => i < 8 ? ctx.Input(i) : ctx.OptionalInput(i)).ToArray();
        var y = AxonFusion.RunOnnx(ctx, "QLinearConv", ctx.Node.Attributes.Values.Where(a => a.Name is not ("qmin" or "qmax")), inputs);
        return [Clamp(ctx, y)];
    }

    /// <summary>The node's qmin/qmax clamp on an 8-bit output (identity when absent).</summary>
    internal static Tensor Clamp(OpContext ctx, Tensor y)
    {
        var (lo, hi) = Quant.Range(y.DType);
        long qmin = Math.Max(lo, ctx.Int("qmin", lo)), qmax = Math.Min(hi, ctx.Int("qmax", hi));
        if (qmin == lo && qmax == hi)
        {
            return y;
        }
        var v = y.ToInt64s();
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = Math.Clamp(v[i], qmin, qmax);
        }
        return Tensor.FromInt64s(y.DType, v, y.Shape);
    }
}
