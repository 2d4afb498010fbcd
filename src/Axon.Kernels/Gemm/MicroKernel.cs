using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Cpu;

namespace Axon.Kernels.Gemm;

/// <summary>
/// The one 6×16 register-blocked micro-kernel shared by SGEMM and the implicit-GEMM convolution: an A panel laid out
/// [k][6] (broadcast) times B rows of 16 with row stride <c>ldb</c> (16 for packed panels; the input plane width when
/// a pointwise convolution reads its input in place), accumulated in twelve AVX2 registers. The same layout has a thin
/// AVX-512 variant (one 16-wide register per row, two k-phases so twelve chains hide the FMA latency) and a scalar tier.
/// </summary>
internal static unsafe partial class MicroKernel
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>Prefetch the C tile at the start of every call (not only when accumulating): the stores then find their lines in L1.</summary>
    /// <summary>Unroll the AVX2 K loop by four (tuning harness knob; two is the fallback it is compared with).</summary>
    internal static bool Unroll4 = true;

    internal static bool PrefetchC = true;

    /// <summary>Run one- and two-row tail tiles on <see cref="Kernel2x16"/> (tuning harness knob).</summary>
    internal static bool TwoRowTail = true;

    /// <summary>The tier chosen once per process: AVX-512 where present, else AVX2+FMA, else scalar.</summary>
    public static readonly KernelTier Tier = CpuFeatures.BestTier;

    /// <summary>True when a vector kernel (AVX2/FMA or AVX-512) runs.</summary>
    public static bool Avx2Path => Tier != KernelTier.Scalar;

    /// <summary>
    /// C[mr×nr] = A·B when <paramref name="accumulate"/> is false, C += A·B otherwise. Partial tiles go through a stack
    /// tile so the kernel never writes past C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, int ldb, float* c, int ldc, int mr, int nr, bool accumulate) =>
        Tile(kc, a, b, ldb, c, ldc, mr, nr, accumulate, b);

    /// <summary>
    /// As <see cref="Tile(int, float*, float*, int, float*, int, int, int, bool)"/>, and while the FMAs run, touches
    /// one cache line of <paramref name="prefetch"/> per k step (kc lines of 64 bytes: the next packed B panel, so its
    /// first use does not wait on L3; pass <paramref name="b"/> itself when there is nothing to fetch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int kc, float* a, float* b, int ldb, float* c, int ldc, int mr, int nr, bool accumulate, float* prefetch)
    {
        if (Tier == KernelTier.Scalar)
        {
            KernelScalar(kc, a, b, ldb, c, ldc, mr, nr, accumulate);
            return;
        }
        if (mr == MR && nr == NR)
        {
            Vector(kc, a, b, ldb, c, ldc, accumulate, prefetch);
            return;
        }
        if (mr <= 2 && nr == NR && Tier == KernelTier.Avx2 && TwoRowTail)
        {
            Kernel2x16(kc, a, b, ldb, c, ldc, mr, accumulate);
            return;
        }
        float* tmp = stackalloc float[MR * NR];
        Vector(kc, a, b, ldb, tmp, NR, false, prefetch);
        Merge(tmp, c, ldc, mr, nr, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vector(int kc, float* a, float* b, int ldb, float* c, int ldc, bool accumulate, float* prefetch)
    {
        if (Tier == KernelTier.Avx512)
        {
            Kernel6x16V512(kc, a, b, ldb, c, ldc, accumulate);
        }
        else
        {
            Kernel6x16(kc, a, b, ldb, c, ldc, accumulate, prefetch);
        }
    }

    private static void Merge(float* tmp, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        for (int r = 0; r < mr; r++)
        {
            float* dst = c + (long)r * ldc;
            float* src = tmp + r * NR;
            for (int j = 0; j < nr; j++)
            {
                dst[j] = accumulate ? dst[j] + src[j] : src[j];
            }
        }
    }

    internal static void KernelScalar(int kc, float* a, float* b, int ldb, float* c, int ldc, int mr, int nr, bool accumulate)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        for (int kk = 0; kk < kc; kk++)
        {
            float* ak = a + kk * MR;
            float* bk = b + (long)kk * ldb;
            for (int r = 0; r < mr; r++)
            {
                float av = ak[r];
                float* row = acc + r * NR;
                for (int j = 0; j < nr; j++)
                {
                    row[j] += av * bk[j];
                }
            }
        }
        Merge(acc, c, ldc, mr, nr, accumulate);
    }

    /// <summary>
    /// AVX2 + FMA: per k step two B loads, six broadcasts, twelve FMAs into twelve accumulators (15 of 16 ymm registers).
    /// Unrolled by four so loop overhead stays off the FMA ports (measured ~10% over two); the C rows are prefetched at
    /// the start, and one line of <paramref name="pf"/> (the next B panel, or B itself) per k step while the loop runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel6x16(int kc, float* a, float* b, int ldb, float* c, int ldc, bool accumulate, float* pf)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint sb = ldb;
        nint sc = ldc;
        if (accumulate || PrefetchC)
        {
            for (nint r = 0; r < MR; r++)
            {
                Sse.Prefetch0(c + r * sc);
                Sse.Prefetch0(c + r * sc + 15);
            }
        }
        int kk = 0;
        int kc4 = Unroll4 ? kc : 0;
        for (; kk + 4 <= kc4; kk += 4)
        {
            Sse.Prefetch0(pf);
            Sse.Prefetch0(pf + NR);
            Sse.Prefetch0(pf + 2 * NR);
            Sse.Prefetch0(pf + 3 * NR);
            pf += 4 * NR;
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
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
            b0 = Avx.LoadVector256(b + sb);
            b1 = Avx.LoadVector256(b + sb + 8);
            a0 = Avx.BroadcastScalarToVector256(a + 6);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            a1 = Avx.BroadcastScalarToVector256(a + 7);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a2 = Avx.BroadcastScalarToVector256(a + 8);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            a3 = Avx.BroadcastScalarToVector256(a + 9);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            a4 = Avx.BroadcastScalarToVector256(a + 10);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            a5 = Avx.BroadcastScalarToVector256(a + 11);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            b0 = Avx.LoadVector256(b + 2 * sb);
            b1 = Avx.LoadVector256(b + 2 * sb + 8);
            a0 = Avx.BroadcastScalarToVector256(a + 12);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            a1 = Avx.BroadcastScalarToVector256(a + 13);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a2 = Avx.BroadcastScalarToVector256(a + 14);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            a3 = Avx.BroadcastScalarToVector256(a + 15);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            a4 = Avx.BroadcastScalarToVector256(a + 16);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            a5 = Avx.BroadcastScalarToVector256(a + 17);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            b0 = Avx.LoadVector256(b + 3 * sb);
            b1 = Avx.LoadVector256(b + 3 * sb + 8);
            a0 = Avx.BroadcastScalarToVector256(a + 18);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            a1 = Avx.BroadcastScalarToVector256(a + 19);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a2 = Avx.BroadcastScalarToVector256(a + 20);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            a3 = Avx.BroadcastScalarToVector256(a + 21);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            a4 = Avx.BroadcastScalarToVector256(a + 22);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            a5 = Avx.BroadcastScalarToVector256(a + 23);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 4 * MR;
            b += 4 * sb;
        }
        for (; kk + 2 <= kc; kk += 2)
        {
            Sse.Prefetch0(pf);
            Sse.Prefetch0(pf + NR);
            pf += 2 * NR;
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
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
            b0 = Avx.LoadVector256(b + sb);
            b1 = Avx.LoadVector256(b + sb + 8);
            a0 = Avx.BroadcastScalarToVector256(a + 6);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            a1 = Avx.BroadcastScalarToVector256(a + 7);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            a2 = Avx.BroadcastScalarToVector256(a + 8);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            a3 = Avx.BroadcastScalarToVector256(a + 9);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            a4 = Avx.BroadcastScalarToVector256(a + 10);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            a5 = Avx.BroadcastScalarToVector256(a + 11);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 2 * MR;
            b += 2 * sb;
        }
        if (kk < kc)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
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
        Store(c, accumulate, c00, c01);
        Store(c + sc, accumulate, c10, c11);
        Store(c + 2 * sc, accumulate, c20, c21);
        Store(c + 3 * sc, accumulate, c30, c31);
        Store(c + 4 * sc, accumulate, c40, c41);
        Store(c + 5 * sc, accumulate, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, bool accumulate, Vector256<float> lo, Vector256<float> hi)
    {
        if (accumulate)
        {
            lo = Avx.Add(lo, Avx.LoadVector256(c));
            hi = Avx.Add(hi, Avx.LoadVector256(c + 8));
        }
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }
}
