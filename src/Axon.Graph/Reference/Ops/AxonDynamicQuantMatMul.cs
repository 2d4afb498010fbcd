namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:DynamicQuantMatMul(A, W, w_scale, bias?, Z?, w_zero_point?) {per_tensor, activation...}: A is quantized to u8 at
/// run time, each row with its own scale and zero point (or, with <c>per_tensor=1</c>, the whole tensor with one, exactly
/// as ONNX DynamicQuantizeLinear: range widened to include 0; scale = (max - min)/255; zero = round(-min/scale);
/// q = clamp(round_half_even(x/scale) + zero, 0, 255); the per-row form multiplies by 1/scale instead), multiplied exactly
/// in integers by (W - w_zero_point) with W [K, N] int8 or uint8 (zero point per tensor or per column), and dequantized as
/// (float)sum · (a scale · w_scale[j]); then + bias, + Z and the activation like axon:FusedMatMul. The fast kernel
/// (Axon.Kernels.Quant) performs the same arithmetic.
/// </summary>
[Op("DynamicQuantMatMul", Domain = "axon")]
internal sealed class AxonDynamicQuantMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var at = ctx.Input(0);
        var wt = ctx.Input(1);
        var st = ctx.Input(2);
        var zt = ctx.OptionalInput(5);
        if (at.DType != DType.Float32 || wt.DType is not (DType.Int8 or DType.UInt8) || st.DType != DType.Float32 || wt.Rank != 2 || at.Rank < 1)
        {
            throw ctx.Error($"expects A float [..., K], W int8/uint8 [K, N] and w_scale float [N]; got {at}, {wt}, {st}");
        }
        int k = wt.Shape[0], n = wt.Shape[1];
        if (at.Shape[^1] != k || st.Length != n && st.Length != 1 || zt is not null && (zt.DType != wt.DType || zt.Length != n && zt.Length != 1))
        {
            throw ctx.Error($"A's last dimension {at.Shape[^1]} must equal W's rows {k}; w_scale and w_zero_point (W's type) must have 1 or {n} values");
        }
        bool perTensor = ctx.Int("per_tensor", 0) != 0;
        int m = (int)(at.Length / Math.Max(1, k));
        var a = at.ReadOnlySpan<float>();
        var w = wt.ToDoubles();
        var wz = zt?.ToDoubles();
        var ws = st.ReadOnlySpan<float>();
        var y = new float[m * n];
        var q = new int[k];
        var (tScale, tZero) = perTensor ? RowParams(a) : (1f, 0);
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * k, k);
            var (scale, zero) = perTensor ? (tScale, tZero) : RowParams(row);
            float inv = 1f / scale;
            for (int p = 0; p < k; p++)
            {
                q[p] = (perTensor ? QuantizeDivide(row[p], scale, zero) : Quantize(row[p], inv, zero)) - zero;
            }
            for (int j = 0; j < n; j++)
            {
                int zj = wz is null ? 0 : (int)wz[wz.Length == 1 ? 0 : j];
                int s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += q[p] * ((int)w[p * n + j] - zj);
                }
                y[i * n + j] = s * (scale * ws[ws.Length == 1 ? 0 : j]);
            }
        }
        var shape = at.Shape[..^1].Append(n).ToArray();
        var yt = Tensor.FromArray(y, shape);
        if (ctx.OptionalInput(3) is { } bias)
        {
            yt = AxonFusion.RunOnnx(ctx, "Add", [], yt, bias);
        }
        return [AxonFusion.Epilogue(ctx, yt, ctx.OptionalInput(4))];
    }

    internal static (float Scale, int Zero) RowParams(ReadOnlySpan<float> row)
    {
        float min = 0, max = 0;
        foreach (float v in row)
        {
            if (float.IsNaN(v))
            {
                return (1f, 0);
            }
            min = MathF.Min(min, v);
            max = MathF.Max(max, v);
        }
        float scale = (max - min) / 255f;
        if (!(scale > 0) || float.IsInfinity(scale))
        {
            return (1f, 0);
        }
        return (scale, (int)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }

    internal static int Quantize(float x, float inv, int zero) => Saturate(MathF.Round(x * inv), zero);

    internal static int QuantizeDivide(float x, float scale, int zero) => Saturate(MathF.Round(x / scale), zero);

    private static int Saturate(float r, int zero)
    {
        int v = float.IsNaN(r) ? 0 : r >= 1e9f ? 1_000_000_000 : r <= -1e9f ? -1_000_000_000 : (int)r;
        return Math.Clamp(v + zero, 0, 255);
    }
}
