using Axon.Compiler.Quantization.Calibration;

namespace Axon.Compiler.Quantization;

/// <summary>
/// The arithmetic of static (QDQ) quantization, ONNX's: <c>q = saturate(round_half_even(x / scale) + zero_point)</c>,
/// <c>x ≈ (q − zero_point) · scale</c>. Activations are uint8 asymmetric over the calibrated range widened to include 0
/// (so 0 is exact, which padding and ReLU need) or int8 symmetric (zero point 0); weights int8 symmetric, per tensor or
/// per output channel; biases int32 with scale x_scale · w_scale and zero point 0 (what ONNX Runtime's QDQ format uses).
/// </summary>
public static class QuantParams
{
    /// <summary>Scale and zero point of an activation; <paramref name="symmetric"/> selects int8 (zero point 0) over uint8.</summary>
    public static (float Scale, int ZeroPoint) Activation(TensorRange r, bool symmetric)
    {
        if (symmetric)
        {
            float a = r.AbsMax;
            return (Positive(a / 127f), 0);
        }
        float lo = MathF.Min(r.Min, 0), hi = MathF.Max(r.Max, 0);
        float scale = Positive((hi - lo) / 255f);
        int zp = (int)Math.Clamp(MathF.Round(-lo / scale, MidpointRounding.ToEven), 0, 255);
        return (scale, zp);
    }

    /// <summary>
    /// Symmetric int8 weights in [−qmax, qmax]: one scale per slice along <paramref name="axis"/> (per channel), or one
    /// for the whole tensor when axis is −1. qmax 63 (7 bits) keeps the AVX2 INT8 kernel on its fast, never-saturating
    /// path (docs/precision.md); 127 uses the full byte.
    /// </summary>
    public static (sbyte[] Q, float[] Scale) Weights(ReadOnlySpan<float> w, int[] shape, int axis, int qmax)
    {
        int channels = axis < 0 ? 1 : shape[axis];
        int inner = 1;
        for (int d = axis + 1; axis >= 0 && d < shape.Length; d++)
        {
            inner *= shape[d];
        }
        if (axis < 0)
        {
            inner = w.Length;
        }
        var max = new float[channels];
        for (int i = 0; i < w.Length; i++)
        {
            int c = axis < 0 ? 0 : i / inner % channels;
            if (float.IsFinite(w[i]))
            {
                max[c] = MathF.Max(max[c], MathF.Abs(w[i]));
            }
        }
        var scale = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            scale[c] = Positive(max[c] / qmax);
        }
        var q = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            int c = axis < 0 ? 0 : i / inner % channels;
            float v = MathF.Round(w[i] / scale[c], MidpointRounding.ToEven);
            q[i] = (sbyte)Math.Clamp(float.IsNaN(v) ? 0 : v, -qmax, qmax);
        }
        return (q, scale);
    }

    /// <summary>Int32 bias for scales x_scale · w_scale[c] (one scale when the weights have one).</summary>
    public static (int[] Q, float[] Scale) Bias(ReadOnlySpan<float> b, float xScale, float[] wScale)
    {
        var q = new int[b.Length];
        var scale = new float[wScale.Length];
        for (int c = 0; c < wScale.Length; c++)
        {
            scale[c] = Positive(xScale * wScale[c]);
        }
        for (int i = 0; i < b.Length; i++)
        {
            double v = Math.Round(b[i] / (double)scale[wScale.Length == 1 ? 0 : i], MidpointRounding.ToEven);
            q[i] = (int)Math.Clamp(double.IsNaN(v) ? 0 : v, int.MinValue + 1, int.MaxValue);
        }
        return (q, scale);
    }

    // A zero range (a constant-zero tensor or channel) still needs a usable scale; any positive value encodes 0 exactly.
    private static float Positive(float s) => s > 0 && float.IsFinite(s) ? s : 1f;
}
