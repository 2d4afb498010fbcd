namespace Axon.Compiler.Quantization;

/// <summary>
/// Compile-time weight quantization: symmetric, one scale per output column, to 7 bits ([-63, 63]). Seven bits keep every
/// adjacent pair's |w0| + |w1| ≤ 128, so the AVX2 INT8 kernel's <c>vpmaddubsw</c> step can never saturate and the fast
/// single-product path always runs (see Axon.Kernels.Quant.QuantizedMatrix).
/// </summary>
internal static class WeightQuantizer
{
    public const int QMax = 63;

    /// <summary>Quantizes op(W) (K×N; <paramref name="transposed"/>: W is stored N×K) to row-major K×N int8 and N scales.</summary>
    public static (sbyte[] Q, float[] Scale) PerColumn(ReadOnlySpan<float> w, int k, int n, bool transposed, float alpha = 1f)
    {
        var scale = new float[n];
        var q = new sbyte[k * n];
        for (int j = 0; j < n; j++)
        {
            float max = 0;
            for (int p = 0; p < k; p++)
            {
                max = MathF.Max(max, MathF.Abs(At(w, k, n, transposed, p, j)));
            }
            float s = max > 0 && float.IsFinite(max) ? max / QMax : 1f;
            scale[j] = s * alpha;
            float inv = 1f / s;
            for (int p = 0; p < k; p++)
            {
                float v = MathF.Round(At(w, k, n, transposed, p, j) * inv);
                q[p * n + j] = (sbyte)Math.Clamp(float.IsNaN(v) ? 0 : v, -QMax, QMax);
            }
        }
        return (q, scale);
    }

    private static float At(ReadOnlySpan<float> w, int k, int n, bool transposed, int row, int col) =>
        transposed ? w[col * k + row] : w[row * n + col];

    /// <summary>Column sums of an int8 [K, N] row-major weight (the exact int32 zero-point correction of a per-row product).</summary>
    public static int[] ColumnSums(ReadOnlySpan<sbyte> w, int k, int n)
    {
        var sums = new int[n];
        for (int p = 0; p < k; p++)
        {
            var row = w.Slice(p * n, n);
            for (int j = 0; j < n; j++)
            {
                sums[j] += row[j];
            }
        }
        return sums;
    }
}
