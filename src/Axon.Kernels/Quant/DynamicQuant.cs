using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Threading;

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

    /// <summary>
    /// <see cref="QuantizeRows(float*, int, int, int, byte*, int, float*, int*)"/> spread over <paramref name="pool"/> in
    /// blocks of rows (rows are independent, so the bytes are the same for any thread count). Run serially before the GEMM
    /// it cost 10-20% of a MiniLM INT8 GEMM on two threads with the second thread idle.
    /// </summary>
    public static void QuantizeRows(float* x, int m, int k, int ldx, byte* q, int ldq, float* scales, int* zeros, WorkerPool pool)
    {
        int rows = Math.Max(1, RowsPerTask);
        int tasks = (m + rows - 1) / rows;
        if (tasks <= 1 || pool.Threads == 1)
        {
            QuantizeRows(x, m, k, ldx, q, ldq, scales, zeros);
            return;
        }
        pool.For(tasks, new RowBlocks { X = x, M = m, K = k, Ldx = ldx, Q = q, Ldq = ldq, Scales = scales, Zeros = zeros, Rows = rows });
    }

    /// <summary>Rows per parallel task: 32 rows of K = 1536 floats (192 KB) keep tasks coarse enough to amortize the hand-off.</summary>
    internal const int RowsPerTask = 32;

    private struct RowBlocks : IParallelBody
    {
        public float* X;
        public byte* Q;
        public float* Scales;
        public int* Zeros;
        public int M, K, Ldx, Ldq, Rows;

        public readonly void Invoke(int index)
        {
            int i0 = index * Rows;
            int mr = Math.Min(Rows, M - i0);
            QuantizeRows(X + (long)i0 * Ldx, mr, K, Ldx, Q + (long)i0 * Ldq, Ldq, Scales + i0, Zeros + i0);
        }
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
        if (Avx2.IsSupported)
        {
            int j = QuantizeRowAvx2(x, k, inv, zero, q);
            for (; j < k; j++)
            {
                q[j] = Scalar(x[j], inv, zero);
            }
            return;
        }
        QuantizeRowPortable(x, k, inv, zero, q);
    }

    /// <summary>The portable (Vector256) form of <see cref="QuantizeRow"/>: used without AVX2; tests and the bench compare it.
    /// Rounded values are held within ±1e9 (as the scalar rule) so a huge x cannot saturate to int.MaxValue and wrap past the zero point.</summary>
    internal static void QuantizeRowPortable(float* x, int k, float inv, int zero, byte* q)
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vi = Vector256.Create(inv);
            var vz = Vector256.Create(zero);
            var lo = Vector256<int>.Zero;
            var hi = Vector256.Create(255);
            var big = Vector256.Create(1e9f);
            for (; j + 32 <= k; j += 32)
            {
                var i0 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j) * vi), big)) + vz, lo), hi).AsUInt32();
                var i1 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 8) * vi), big)) + vz, lo), hi).AsUInt32();
                var i2 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 16) * vi), big)) + vz, lo), hi).AsUInt32();
                var i3 = Vector256.Min(Vector256.Max(Vector256.ConvertToInt32(Clamp(Vector256.Round(Vector256.Load(x + j + 24) * vi), big)) + vz, lo), hi).AsUInt32();
                Vector256.Narrow(Vector256.Narrow(i0, i1), Vector256.Narrow(i2, i3)).Store(q + j);
            }
        }
        for (; j < k; j++)
        {
            q[j] = Scalar(x[j], inv, zero);
        }
    }

    /// <summary>
    /// The AVX2 body of <see cref="QuantizeRow"/>, 32 elements a step; returns how many it did. <c>vcvtps2dq</c> rounds half
    /// to even (the default MXCSR mode) in one instruction, and the saturating packs clamp to [0, 255] on the way to bytes,
    /// so one step is 4 multiplies, 4 conversions and 3 packs where the portable path rounds, converts with saturation,
    /// clamps twice and narrows twice. Same bytes as <see cref="Scalar"/>: NaN is zeroed first (to the zero point), and
    /// values are held within ±1e9 so the conversion and the zero-point add stay exact.
    /// </summary>
    private static int QuantizeRowAvx2(float* x, int k, float inv, int zero, byte* q)
    {
        var vi = Vector256.Create(inv);
        var vz = Vector256.Create(zero);
        var big = Vector256.Create(1e9f);
        var nbig = Vector256.Create(-1e9f);
        var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        int j = 0;
        for (; j + 32 <= k; j += 32)
        {
            var i0 = Step(Avx.LoadVector256(x + j), vi, vz, big, nbig);
            var i1 = Step(Avx.LoadVector256(x + j + 8), vi, vz, big, nbig);
            var i2 = Step(Avx.LoadVector256(x + j + 16), vi, vz, big, nbig);
            var i3 = Step(Avx.LoadVector256(x + j + 24), vi, vz, big, nbig);
            var bytes = Avx2.PackUnsignedSaturate(Avx2.PackSignedSaturate(i0, i1), Avx2.PackSignedSaturate(i2, i3));
            Avx.Store(q + j, Avx2.PermuteVar8x32(bytes.AsInt32(), order).AsByte());
        }
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Step(Vector256<float> x, Vector256<float> inv, Vector256<int> zero, Vector256<float> big, Vector256<float> nbig)
    {
        var v = Avx.Multiply(x, inv);
        v = Avx.And(v, Avx.CompareEqual(v, v));
        v = Avx.Min(Avx.Max(v, nbig), big);
        return Avx2.Add(Avx.ConvertToVector256Int32(v), zero);
    }

    /// <summary>One element; NaN maps to the zero point.</summary>
    public static byte Scalar(float x, float inv, int zero)
    {
        float r = MathF.Round(x * inv);
        int v = float.IsNaN(r) ? 0 : r >= 1e9f ? 1_000_000_000 : r <= -1e9f ? -1_000_000_000 : (int)r;
        return (byte)Math.Clamp(v + zero, 0, 255);
    }
}
