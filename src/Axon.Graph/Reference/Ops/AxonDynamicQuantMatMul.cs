namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:DynamicQuantMatMul(A, W, w_scale, bias?, Z?) {activation...}: each row of A is quantized to u8 at run time with its
/// own scale and zero point (range widened to include 0; scale = (max - min)/255; zero = round(-min/scale);
/// q = clamp(round_half_even(x·(1/scale)) + zero, 0, 255)), multiplied exactly in integers by the int8 weights W [K, N],
/// and dequantized as (float)sum · (row scale · w_scale[j]); then + bias, + Z and the activation like axon:FusedMatMul.
/// The fast kernel (Axon.Kernels.Quant) performs the same arithmetic.
/// </summary>
[Op("DynamicQuantMatMul", Domain = "axon")]
internal sealed class AxonDynamicQuantMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var at = ctx.Input(0);
        var wt = ctx.Input(1);
        var st = ctx.Input(2);
        if (at.DType != DType.Float32 || wt.DType != DType.Int8 || st.DType != DType.Float32 || wt.Rank != 2 || at.Rank < 1)
        {
            throw ctx.Error($"expects A float [..., K], W int8 [K, N] and w_scale float [N]; got {at}, {wt}, {st}");
        }
        int k = wt.Shape[0], n = wt.Shape[1];
        if (at.Shape[^1] != k || st.Length != n)
        {
            throw ctx.Error($"A's last dimension {at.Shape[^1]} must equal W's rows {k}, and w_scale must have {n} values (has {st.Length})");
        }
        int m = (int)(at.Length / Math.Max(1, k));
        var a = at.ReadOnlySpan<float>();
        var w = wt.ReadOnlySpan<sbyte>();
        var ws = st.ReadOnlySpan<float>();
        var y = new float[m * n];
        var q = new int[k];
        for (int i = 0; i < m; i++)
        {
            var row = a.Slice(i * k, k);
            var (scale, zero) = RowParams(row);
            float inv = 1f / scale;
            for (int p = 0; p < k; p++)
            {
                q[p] = Quantize(row[p], inv, zero) - zero;
            }
            for (int j = 0; j < n; j++)
            {
                int s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += q[p] * w[p * n + j];
                }
                y[i * n + j] = s * (scale * ws[j]);
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

    internal static int Quantize(float x, float inv, int zero)
    {
        float r = MathF.Round(x * inv);
        int v = float.IsNaN(r) ? 0 : r >= 1e9f ? 1_000_000_000 : r <= -1e9f ? -1_000_000_000 : (int)r;
        return Math.Clamp(v + zero, 0, 255);
    }
}
