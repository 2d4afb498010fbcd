using System.Runtime.Intrinsics;

namespace Axon.Kernels.Quant;

/// <summary>
/// Run-time (dynamic) quantization of FP32 activations to u8, one scale and zero point per row: the range [min, max] is
/// widened to include 0 (so 0 is exact), scale = (max - min) / 255 (1 for an all-zero row), zero = round(-min / scale),
/// q = clamp(round_half_even(x · (1/scale)) + zero, 0, 255). The axon:DynamicQuantMatMul reference op computes exactly
/// this; the vector and scalar paths agree bit for bit.
/// </summary>
public static unsafe class DynamicQuant
{
    /// <summary>The scale and zero point of one row (the same arithmetic as the reference op).</summary>
    public static (float Scale, int Zero) RowParams(float min, float max)
    {
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        float scale = (max - min) / 255f;
        if (!(scale > 0) || float.IsInfinity(scale))
        {
            return (1f, 0);
        }
        int zero = (int)Math.Clamp(MathF.Round(-min / scale), 0, 255);
        return (scale, zero);
    }

    /// <summary>Quantizes rows of <paramref name="x"/> (m×k, row stride ldx) into <paramref name="q"/> (row stride ldq).</summary>
    public static void QuantizeRows(float* x, int m, int k, int ldx, byte* q, int ldq, float* scales, int* zeros)
    {
        for (int i = 0; i < m; i++)
        {
            var (lo, hi) = MinMax(x + (long)i * ldx, k);
            var (scale, zero) = k == 0 ? (1f, 0) : RowParams(lo, hi);
            scales[i] = scale;
            zeros[i] = zero;
            QuantizeRow(x + (long)i * ldx, k, 1f / scale, zero, q + (long)i * ldq);
        }
    }

    /// <summary>
    /// Quantizes all of <paramref name="x"/> (m×k, row stride ldx) with one scale and zero point over the whole range,
    /// exactly as ONNX DynamicQuantizeLinear (q = clamp(round_half_even(x / scale) + zero, 0, 255), a true division); every
    /// row gets the same entry in <paramref name="scales"/>/<paramref name="zeros"/> so the GEMM epilogue is unchanged.
    /// </summary>
    public static (float Scale, int Zero) QuantizeTensor(float* x, int m, int k, int ldx, byte* q, int ldq, float* scales, int* zeros)
    {
        float min = 0, max = 0;
        bool nan = false;
        for (int i = 0; i < m && k > 0; i++)
        {
            var (lo, hi) = MinMax(x + (long)i * ldx, k);
            nan |= float.IsNaN(lo) || float.IsNaN(hi);
            min = MathF.Min(min, lo);
            max = MathF.Max(max, hi);
        }
        var (scale, zero) = nan ? (1f, 0) : RowParams(min, max);
        for (int i = 0; i < m; i++)
        {
            scales[i] = scale;
            zeros[i] = zero;
            QuantizeRowDivide(x + (long)i * ldx, k, scale, zero, q + (long)i * ldq);
        }
        return (scale, zero);
    }

    /// <summary>
    /// The smallest and largest of x[0..k) in one pass over memory (TensorPrimitives' Min and Max read the row twice);
    /// (NaN, NaN) when any element is NaN, as they return. k must be at least 1.
    /// </summary>
    internal static (float Min, float Max) MinMax(float* x, int k)
    {
        int j = 0;
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        bool nan = false;
        if (Vector256.IsHardwareAccelerated && k >= 16)
        {
            Vector256<float> l0 = Vector256.Load(x), l1 = Vector256.Load(x + 8), h0 = l0, h1 = l1;
            var bad = Vector256<float>.Zero;
            for (j = 16; j + 16 <= k; j += 16)
            {
                var a = Vector256.Load(x + j);
                var b = Vector256.Load(x + j + 8);
                l0 = Vector256.Min(l0, a);
                l1 = Vector256.Min(l1, b);
                h0 = Vector256.Max(h0, a);
                h1 = Vector256.Max(h1, b);
                bad |= ~Vector256.Equals(a, a) | ~Vector256.Equals(b, b);
            }
            // The first 16 were never checked for NaN: check them with the accumulators they seeded.
            var f0 = Vector256.Load(x);
            var f1 = Vector256.Load(x + 8);
            bad |= ~Vector256.Equals(f0, f0) | ~Vector256.Equals(f1, f1);
            nan = bad != Vector256<float>.Zero;
            var l = Vector256.Min(l0, l1);
            var h = Vector256.Max(h0, h1);
            for (int t = 0; t < 8; t++)
            {
                lo = MathF.Min(lo, l.GetElement(t));
                hi = MathF.Max(hi, h.GetElement(t));
            }
        }
        for (; j < k; j++)
        {
            float v = x[j];
            nan |= float.IsNaN(v);
            lo = MathF.Min(lo, v);
            hi = MathF.Max(hi, v);
        }
        return nan ? (float.NaN, float.NaN) : (lo, hi);
    }

    /// <summary>q[j] = clamp(round_half_even(x[j] / scale) + zero, 0, 255).</summary>
    public static void QuantizeRowDivide(float* x, int k, float scale, int zero, byte* q)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vz = Vector256.Create(zero);
            var lo = Vector256<int>.Zero;
            var hi = Vector256.Create(255);
            var big = Vector256.Create(1e9f);
            for (; j + 32 <= k; j += 32)
            {
                var i0 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j) / vs), big)) + vz, lo), hi).AsUInt32();
                var i1 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 8) / vs), big)) + vz, lo), hi).AsUInt32();
                var i2 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 16) / vs), big)) + vz, lo), hi).AsUInt32();
                var i3 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 24) / vs), big)) + vz, lo), hi).AsUInt32();
                Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).Store(q + j);
            }
        }
        for (; j < k; j++)
        {
            q[j] = Scalar(x[j] / scale, 1f, zero);
        }
    }

    /// <summary>Keeps rounded values inside int32 so the conversion saturates the right way (NaN stays NaN: converts to the zero point's side like the scalar path only for finite data).</summary>
    private static Vector256<float> Clamp(Vector256<float> v, Vector256<float> big) => Vector256.Min(Vector256.Max(v, -big), big);

    /// <summary>q[j] = clamp(round_half_even(x[j] · inv) + zero, 0, 255).</summary>
    public static void QuantizeRow(float* x, int k, float inv, int zero, byte* q)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vi = Vector256.Create(inv);
            var vz = Vector256.Create(zero);
            var lo = Vector256<int>.Zero;
            var hi = Vector256.Create(255);
            for (; j + 32 <= k; j += 32)
            {
                var i0 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + j) * vi)) + vz, lo), hi).AsUInt32();
                var i1 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + j + 8) * vi)) + vz, lo), hi).AsUInt32();
                var i2 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + j + 16) * vi)) + vz, lo), hi).AsUInt32();
                var i3 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Vector256.Round(Vector256.Load(x + j + 24) * vi)) + vz, lo), hi).AsUInt32();
                Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).Store(q + j);
            }
        }
        for (; j < k; j++)
        {
            q[j] = Scalar(x[j], inv, zero);
        }
    }

    /// <summary>One element; NaN maps to the zero point.</summary>
    public static byte Scalar(float x, float inv, int zero)
    {
        float r = MathF.Round(x * inv);
        int v = float.IsNaN(r) ? 0 : r >= 1e9f ? 1_000_000_000 : r <= -1e9f ? -1_000_000_000 : (int)r;
        return (byte)Math.Clamp(v + zero, 0, 255);
    }
}
