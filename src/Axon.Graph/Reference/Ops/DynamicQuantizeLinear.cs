namespace Axon.Graph.Reference.Ops;

/// <summary>
/// uint8 quantization with a scale and zero point computed from the data range (widened to include 0), all in float32
/// as the spec's formula does.
/// </summary>
[Op("DynamicQuantizeLinear")]
internal sealed class DynamicQuantizeLinear : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var x = xt.ToDoubles();
        float min = 0, max = 0;
        foreach (double d in x)
        {
            min = Math.Min(min, (float)d);
            max = Math.Max(max, (float)d);
        }
        float scale = (max - min) / 255f;
        float zp = scale == 0 ? 0 : Math.Clamp(MathF.Round((0f - min) / scale, MidpointRounding.ToEven), 0f, 255f);
        var v = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            v[i] = scale == 0 ? 0 : MathF.Round((float)x[i] / scale, MidpointRounding.ToEven) + zp;
        }
        return
        [
            Quant.Store(DType.UInt8, v, xt.Shape, true),
            Tensor.FromDoubles(DType.Float32, [scale], []),
            Tensor.FromDoubles(DType.UInt8, [zp], []),
        ];
    }
}
