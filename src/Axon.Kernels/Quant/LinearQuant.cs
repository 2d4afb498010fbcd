using System.Runtime.Intrinsics;

namespace Axon.Kernels.Quant;

/// <summary>
/// Standalone QuantizeLinear / DequantizeLinear over contiguous runs that share one scale and zero point (a whole
/// tensor, or one channel's inner block for per-axis parameters): q = saturate(round_half_even(x / scale) + zero) and
/// x = (q - zero) · scale, in float32 exactly as the ONNX reference computes them (a true division; the product of an
/// integer below 2^9 and a float rounds once either way; NaN quantizes to 0 like the reference). Vector256 with a scalar
/// tail; the scalar tier is the same loop.
/// </summary>
public static unsafe class LinearQuant
{
    /// <summary>Quantizes <paramref name="n"/> floats to u8 (<paramref name="signed"/> false) or s8.</summary>
    public static void Quantize(float* x, long n, float scale, int zero, bool signed, byte* y)
    {
        int lo = signed ? -128 : 0, hi = signed ? 127 : 255;
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vz = Vector256.Create(zero);
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            var big = Vector256.Create(1e9f);
            for (; i + 32 <= n; i += 32)
            {
                var i0 = Q(Vector256.Load(x + i), vs, vz, vlo, vhi, big);
                var i1 = Q(Vector256.Load(x + i + 8), vs, vz, vlo, vhi, big);
                var i2 = Q(Vector256.Load(x + i + 16), vs, vz, vlo, vhi, big);
                var i3 = Q(Vector256.Load(x + i + 24), vs, vz, vlo, vhi, big);
                // Narrow keeps the low bytes: two's complement for s8, plain for u8 (values already saturated).
                Vector256.Narrow(Vector256.Narrow(i0.AsUInt32(), i1.AsUInt32()), Vector256.Narrow(i2.AsUInt32(), i3.AsUInt32())).Store(y + i);
            }
        }
        for (; i < n; i++)
        {
            y[i] = (byte)Scalar(x[i], scale, zero, lo, hi);
        }
    }

    private static Vector256<int> Q(Vector256<float> x, Vector256<float> s, Vector256<int> z, Vector256<int> lo, Vector256<int> hi, Vector256<float> big)
    {
        var r = Vector256.Round(x / s);
        var real = Vector256.Equals(r, r).AsInt32();
        r = Vector256.ConditionalSelect(real.AsSingle(), Vector256.Min(Vector256.Max(r, -big), big), Vector256<float>.Zero);
        // NaN compares false with itself: the reference stores it as 0 (not the zero point).
        return Vector256.ConditionalSelect(real, Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(r) + z, lo), hi), Vector256<int>.Zero);
    }

    /// <summary>One element, the reference's arithmetic.</summary>
    public static int Scalar(float x, float scale, int zero, int lo, int hi)
    {
        float r = MathF.Round(x / scale);
        if (float.IsNaN(r))
        {
            return 0;
        }
        int v = r >= 1e9f ? 1_000_000_000 : r <= -1e9f ? -1_000_000_000 : (int)r;
        return Math.Clamp(v + zero, lo, hi);
    }

    /// <summary>Dequantizes <paramref name="n"/> u8 or s8 values to float.</summary>
    public static void Dequantize(byte* x, long n, float scale, int zero, bool signed, float* y)
    {
        long i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vs = Vector256.Create(scale);
            var vz = Vector256.Create(zero);
            for (; i + 8 <= n; i += 8)
            {
                var q = signed ? WidenS8(x + i) : WidenU8(x + i);
                Vector256.Store(Vector256.ConvertToSingle(q - vz) * vs, y + i);
            }
        }
        for (; i < n; i++)
        {
            int q = signed ? (sbyte)x[i] : x[i];
            y[i] = (q - zero) * scale;
        }
    }

    private static Vector256<int> WidenU8(byte* p)
    {
        var b = Vector128.CreateScalar(*(long*)p).AsByte();
        var s = Vector128.WidenLower(b);
        return Vector256.Create(Vector128.WidenLower(s).AsInt32(), Vector128.WidenUpper(s).AsInt32());
    }

    private static Vector256<int> WidenS8(byte* p)
    {
        var b = Vector128.CreateScalar(*(long*)p).AsSByte();
        var s = Vector128.WidenLower(b);
        return Vector256.Create(Vector128.WidenLower(s), Vector128.WidenUpper(s));
    }
}
