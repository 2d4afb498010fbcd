using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Gemm;

/// <summary>
/// The 6×16 micro-kernel with A read in place: row r of the tile broadcasts from <c>a + r·lda</c> instead of a packed
/// [k][6] panel. For the small per-head products of attention (K = 32 keys' dims, or K = SeqK probabilities) packing A
/// cost as much as the FMAs: the rows are short, already in L1, and each is used by only a handful of 16-column panels.
/// </summary>
internal static unsafe partial class MicroKernel
{
    /// <summary>
    /// C[mr×nr] = A·B (or += when <paramref name="accumulate"/>), A's row r at <paramref name="a"/> + r·<paramref name="lda"/>
    /// (only rows below <paramref name="mr"/> are read), B rows of 16 floats <paramref name="ldb"/> apart (all 16 read,
    /// so B must hold 16 readable columns even when <paramref name="nr"/> &lt; 16, as packed panels do).
    /// </summary>
    public static void TileStridedA(int kc, float* a, long lda, int mr, float* b, int ldb, float* c, int ldc, int nr, bool accumulate)
    {
        if (Tier == Cpu.KernelTier.Scalar || !Fma.IsSupported)
        {
            ScalarStridedA(kc, a, lda, mr, b, ldb, c, ldc, nr, accumulate);
            return;
        }
        // Rows past mr repeat the last real row: always readable, and their results are never stored.
        float* a1 = a + (mr > 1 ? lda : 0);
        float* a2 = a + (mr > 2 ? 2 * lda : (mr - 1) * lda);
        float* a3 = a + (mr > 3 ? 3 * lda : (mr - 1) * lda);
        float* a4 = a + (mr > 4 ? 4 * lda : (mr - 1) * lda);
        float* a5 = a + (mr > 5 ? 5 * lda : (mr - 1) * lda);
        if (mr == MR && nr == NR)
        {
            Kernel6x16StridedA(kc, a, a1, a2, a3, a4, a5, b, ldb, c, ldc, accumulate);
            return;
        }
        PartialStridedA(kc, a, a1, a2, a3, a4, a5, b, ldb, c, ldc, mr, nr, accumulate);
    }

    // Kept out of line: a stackalloc in the caller would give every full-tile call a stack probe and cookie check.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PartialStridedA(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5, float* b, int ldb,
        float* c, int ldc, int mr, int nr, bool accumulate)
    {
        float* tmp = stackalloc float[MR * NR];
        Kernel6x16StridedA(kc, a0, a1, a2, a3, a4, a5, b, ldb, tmp, NR, false);
        Merge(tmp, c, ldc, mr, nr, accumulate);
    }

    private static void ScalarStridedA(int kc, float* a, long lda, int mr, float* b, int ldb, float* c, int ldc, int nr, bool accumulate)
    {
        for (int r = 0; r < mr; r++)
        {
            float* ar = a + r * lda;
            float* cr = c + (long)r * ldc;
            for (int j = 0; j < nr; j++)
            {
                float s = 0;
                for (int kk = 0; kk < kc; kk++)
                {
                    s += ar[kk] * b[(long)kk * ldb + j];
                }
                cr[j] = accumulate ? cr[j] + s : s;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16StridedA(int kc, float* a0, float* a1, float* a2, float* a3, float* a4, float* a5,
        float* b, int ldb, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        nint sb = ldb;
        int kk = 0;
        for (; kk + 2 <= kc; kk += 2)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var x = Avx.BroadcastScalarToVector256(a0 + kk);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a1 + kk);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a2 + kk);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a3 + kk);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a4 + kk);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a5 + kk);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
            b0 = Avx.LoadVector256(b + sb);
            b1 = Avx.LoadVector256(b + sb + 8);
            x = Avx.BroadcastScalarToVector256(a0 + kk + 1);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a1 + kk + 1);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a2 + kk + 1);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a3 + kk + 1);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a4 + kk + 1);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a5 + kk + 1);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
            b += 2 * sb;
        }
        if (kk < kc)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
            var x = Avx.BroadcastScalarToVector256(a0 + kk);
            c00 = Fma.MultiplyAdd(x, b0, c00);
            c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Avx.BroadcastScalarToVector256(a1 + kk);
            c10 = Fma.MultiplyAdd(x, b0, c10);
            c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Avx.BroadcastScalarToVector256(a2 + kk);
            c20 = Fma.MultiplyAdd(x, b0, c20);
            c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Avx.BroadcastScalarToVector256(a3 + kk);
            c30 = Fma.MultiplyAdd(x, b0, c30);
            c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Avx.BroadcastScalarToVector256(a4 + kk);
            c40 = Fma.MultiplyAdd(x, b0, c40);
            c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Avx.BroadcastScalarToVector256(a5 + kk);
            c50 = Fma.MultiplyAdd(x, b0, c50);
            c51 = Fma.MultiplyAdd(x, b1, c51);
        }
        nint sc = ldc;
        Store(c, accumulate, c00, c01);
        Store(c + sc, accumulate, c10, c11);
        Store(c + 2 * sc, accumulate, c20, c21);
        Store(c + 3 * sc, accumulate, c30, c31);
        Store(c + 4 * sc, accumulate, c40, c41);
        Store(c + 5 * sc, accumulate, c50, c51);
    }
}
