using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Gemm;

public static unsafe partial class Sgemm
{
    /// <summary>
    /// The 6×16 AVX2/FMA micro-kernel: twelve accumulators (6 rows × two 8-wide vectors), per k two B loads, six
    /// broadcasts and twelve FMAs. <paramref name="beta"/> 0 stores, otherwise C = acc + beta·C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16Avx2(int kc, float* a, float* b, float* c, int ldc, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int kk = 0;
        for (; kk + 1 < kc; kk += 2)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            Step(a + MR, b + NR, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
            a += 2 * MR;
            b += 2 * NR;
        }
        if (kk < kc)
        {
            Step(a, b, ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31, ref c40, ref c41, ref c50, ref c51);
        }
        Store(c, beta, c00, c01);
        Store(c + ldc, beta, c10, c11);
        Store(c + 2 * ldc, beta, c20, c21);
        Store(c + 3 * ldc, beta, c30, c31);
        Store(c + 4 * ldc, beta, c40, c41);
        Store(c + 5 * ldc, beta, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step(float* a, float* b,
        ref Vector256<float> c00, ref Vector256<float> c01, ref Vector256<float> c10, ref Vector256<float> c11,
        ref Vector256<float> c20, ref Vector256<float> c21, ref Vector256<float> c30, ref Vector256<float> c31,
        ref Vector256<float> c40, ref Vector256<float> c41, ref Vector256<float> c50, ref Vector256<float> c51)
    {
        var b0 = Avx.LoadAlignedVector256(b);
        var b1 = Avx.LoadAlignedVector256(b + 8);
        var a0 = Avx.BroadcastScalarToVector256(a);
        c00 = Fma.MultiplyAdd(a0, b0, c00);
        c01 = Fma.MultiplyAdd(a0, b1, c01);
        var a1 = Avx.BroadcastScalarToVector256(a + 1);
        c10 = Fma.MultiplyAdd(a1, b0, c10);
        c11 = Fma.MultiplyAdd(a1, b1, c11);
        var a2 = Avx.BroadcastScalarToVector256(a + 2);
        c20 = Fma.MultiplyAdd(a2, b0, c20);
        c21 = Fma.MultiplyAdd(a2, b1, c21);
        var a3 = Avx.BroadcastScalarToVector256(a + 3);
        c30 = Fma.MultiplyAdd(a3, b0, c30);
        c31 = Fma.MultiplyAdd(a3, b1, c31);
        var a4 = Avx.BroadcastScalarToVector256(a + 4);
        c40 = Fma.MultiplyAdd(a4, b0, c40);
        c41 = Fma.MultiplyAdd(a4, b1, c41);
        var a5 = Avx.BroadcastScalarToVector256(a + 5);
        c50 = Fma.MultiplyAdd(a5, b0, c50);
        c51 = Fma.MultiplyAdd(a5, b1, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float beta, Vector256<float> lo, Vector256<float> hi)
    {
        if (beta != 0)
        {
            var vb = Vector256.Create(beta);
            lo = Fma.MultiplyAdd(vb, Avx.LoadVector256(c), lo);
            hi = Fma.MultiplyAdd(vb, Avx.LoadVector256(c + 8), hi);
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }
}
